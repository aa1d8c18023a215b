"""Accounts through allauth's real views: signup, verification, login (password and
one-time code), password reset, e-mail management, logout, and the pages around them."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.markup import attributes, hrefs, one, select, texts

from .conftest import PASSWORD, code_in, link_in

pytestmark = pytest.mark.django_db


def signup(client, email="nieuw@example.org", password=PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(reverse("account_signup"), data)


def login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_signup_verification_link_confirms_address_and_logs_in(client):
    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    (message,) = mail.outbox
    assert message.to == ["nieuw@example.org"]
    assert message.subject == "Welkom! Bevestig je e-mailadres"
    assert "Het boek waar je lid van kunt worden" in message.body

    confirm_url = link_in(message.body, "/accounts/confirm-email/")
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="nieuw@example.org")
    assert logged_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_signup_page_says_why_we_ask_for_an_email_address(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "Waarom we je e-mailadres vragen" in response.text
    assert "alleen om je te laten inloggen" in response.text


def test_signup_with_existing_address_looks_the_same_as_a_new_one(client, verified_user):
    new = signup(client, email="nieuw@example.org")
    existing = signup(client.__class__(), email=verified_user.email)

    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    assert get_user_model().objects.filter(email=verified_user.email).count() == 1
    # The owner of the address hears about it; the visitor learns nothing.
    already = mail.outbox[-1]
    assert already.to == [verified_user.email]
    assert already.subject == "Je hebt al een account"
    assert "/accounts/password/reset/" in already.body


def test_signup_errors_are_tied_to_their_field(client):
    response = signup(client, password2="iets anders helemaal")

    assert response.status_code == 200
    field = one(response, "#id_password2")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == "id_password2_error"
    assert select(response, "#id_password2_error")


def test_a_too_short_password_is_refused_in_dutch(client):
    """Django 6.1's Dutch catalogue lacks this message; locale/nl fills it in."""
    response = signup(client, password="kort4")
    assert response.context["form"].errors["password1"] == [
        "Dit wachtwoord is te kort: het moet minstens 8 tekens lang zijn."
    ]


def test_login_with_verified_address_goes_home(client, verified_user):
    response = login(client, verified_user.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(verified_user.pk)


def test_login_with_wrong_password_says_so_in_dutch(client, verified_user):
    response = login(client, verified_user.email, "niet mijn wachtwoord")

    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    (alert,) = texts(response, '[role="alert"]')
    assert "e-mailadres en/of wachtwoord is niet correct" in alert


def test_repeated_failed_logins_for_one_account_are_refused(client, verified_user):
    # allauth's default: five failures per account per five minutes.
    for _ in range(5):
        response = login(client, verified_user.email, "niet mijn wachtwoord")
        assert "niet correct" in response.text

    response = login(client, verified_user.email, PASSWORD)

    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.text
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "https:evil.example"]
)
def test_login_ignores_next_to_another_site(client, verified_user, next_url):
    response = login(client, verified_user.email, PASSWORD, next=next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_follows_next_within_the_site(client, verified_user):
    colophon = reverse("book:colophon")

    response = login(client, verified_user.email, PASSWORD, next=colophon)

    assert response["Location"] == colophon


def test_login_by_code_from_the_mail(client, verified_user):
    response = client.post(reverse("account_request_login_code"), {"email": verified_user.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    (message,) = mail.outbox
    assert message.subject == "Je inlogcode"
    assert message.to == [verified_user.email]
    code = code_in(message.body)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(verified_user.pk)


def test_login_by_code_with_a_wrong_code_is_refused(client, verified_user):
    client.post(reverse("account_request_login_code"), {"email": verified_user.email})

    response = client.post(reverse("account_confirm_login_code"), {"code": "BBBB-CCCC"})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert one(response, 'input[name="code"]').get("aria-invalid") == "true"


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, verified_user):
    known = client.post(reverse("account_reset_password"), {"email": verified_user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "onbekend@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    reset, no_account = mail.outbox
    assert reset.to == [verified_user.email]
    assert reset.subject == "Stel een nieuw wachtwoord in"
    assert no_account.to == ["onbekend@example.org"]
    assert no_account.subject == "Geen account met dit e-mailadres"


def test_password_reset_link_sets_a_new_password(client, verified_user):
    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    reset_url = link_in(mail.outbox[0].body, "/accounts/password/reset/key/")

    # allauth moves the key into the session and redirects to a key-less URL.
    form_url = client.get(reset_url)["Location"]
    new_password = "een heel nieuw wachtwoord"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})

    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.check_password(new_password)


def test_adding_an_address_leaves_it_unverified_and_sends_a_link(verified_client, verified_user):
    response = verified_client.post(
        reverse("account_email"), {"email": "ander@example.org", "action_add": ""}
    )

    assert response.status_code == 302
    added = EmailAddress.objects.get(email="ander@example.org")
    assert added.user == verified_user
    assert not added.verified
    assert not added.primary
    (message,) = mail.outbox
    assert message.to == ["ander@example.org"]
    assert message.subject == "Bevestig je e-mailadres"

    verified_client.post(link_in(message.body, "/accounts/confirm-email/"))

    added.refresh_from_db()
    assert added.verified


def test_logout_needs_a_post(verified_client, verified_user):
    page = verified_client.get(reverse("account_logout"))

    assert page.status_code == 200
    assert logged_in_user_id(verified_client) == str(verified_user.pk)

    response = verified_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert logged_in_user_id(verified_client) is None


def unlabelled_inputs(response) -> list[str]:
    """The fields a screen reader could not name: no <label for> points at them."""
    labelled = set(attributes(response, "label[for]", "for"))
    fields = select(response, 'input:not([type="hidden"]), select, textarea')
    return [field.get("name") for field in fields if field.get("id") not in labelled]


ENTRANCE_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_request_login_code",
    "account_email_verification_sent",
]
MANAGE_PAGES = ["account_email", "account_change_password", "account_logout"]


@pytest.mark.parametrize("url_name", ENTRANCE_PAGES)
def test_entrance_pages_have_one_heading_and_labelled_inputs(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "account/" in response.templates[0].name
    assert "base.html" in {template.name for template in response.templates}
    assert len(select(response, "h1")) == 1
    assert one(response, "html").get("lang") == "nl"
    # The language switcher's select is labelled too; every input has a <label for>.
    assert unlabelled_inputs(response) == []


@pytest.mark.parametrize("url_name", MANAGE_PAGES)
def test_account_pages_have_one_heading_and_labelled_inputs(verified_client, url_name):
    response = verified_client.get(reverse(url_name))

    assert response.status_code == 200
    assert len(select(response, "h1")) == 1
    assert unlabelled_inputs(response) == []
    assert select(response, 'nav[aria-label="Mijn account"]')


def test_account_pages_need_a_login(client):
    response = client.get(reverse("account_email"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_page_is_dutch_by_default_and_english_under_en(client):
    dutch = client.get("/accounts/login/")
    english = client.get("/en/accounts/login/")

    assert one(dutch, "html").get("lang") == "nl"
    assert texts(dutch, "h1") == ["Inloggen"]
    assert one(english, "html").get("lang") == "en"
    assert texts(english, "h1") == ["Sign In"]
    assert attributes(english, "main form", "action") == ["/en/accounts/login/"]
    with translation.override("en"):
        assert reverse("account_signup") in hrefs(english, "main a")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/confirm-email/ongeldig/", "Bevestig e-mailadres"),
        ("/accounts/password/reset/key/1-ongeldig/", "Ongeldige sleutel"),
    ],
)
def test_invalid_links_explain_themselves_in_the_site_layout(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert texts(response, "h1") == [heading]
    assert select(response, "header.site-header")
