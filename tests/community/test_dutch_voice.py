"""One Dutch voice on allauth's pages: "je", never "u"; "inloggen" and "uitloggen"; the
login code is an "inlogcode"; an address is "bevestigd". The project's catalogue
(locale/nl) overrides allauth's and Django's Dutch for the same msgids, since it comes
first in LOCALE_PATHS."""

import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db

FORMAL = re.compile(r"\b(u|uw|U|Uw|a\.u\.b|alstublieft|aanmeldcode|Aanmelden|Afmelden)\b")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in {"script", "style"}

    def handle_endtag(self, tag):
        self.hidden -= tag in {"script", "style"}

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = VisibleText()
    parser.feed(response.text)
    return " ".join(" ".join(parser.parts).split())


ENTRANCE = [
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MANAGE = ["account_email", "account_change_password", "account_logout"]


@pytest.mark.parametrize("url_name", ENTRANCE)
def test_entrance_pages_say_je_and_inloggen(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert FORMAL.findall(visible_text(response)) == []


@pytest.mark.parametrize("url_name", MANAGE)
def test_account_pages_say_je_and_uitloggen(verified_client, url_name):
    response = verified_client.get(reverse(url_name))

    assert response.status_code == 200
    assert FORMAL.findall(visible_text(response)) == []


def test_password_rules_on_the_signup_page_say_je(client):
    response = client.get(reverse("account_signup"))

    for rule in [
        "Je wachtwoord mag niet te veel lijken op je andere persoonlijke gegevens.",
        "Je wachtwoord moet minstens 8 tekens lang zijn.",
        "Je wachtwoord mag geen veelgebruikt wachtwoord zijn.",
        "Je wachtwoord mag niet alleen uit cijfers bestaan.",
    ]:
        assertContains(response, f"<li>{rule}</li>", count=1, html=True)


def test_a_short_password_is_refused_in_dutch(client):
    data = {"email": "nieuw@example.org", "password1": "kort", "password2": "kort"}

    response = client.post(reverse("account_signup"), data)

    assert (
        "Dit wachtwoord is te kort: het moet minstens 8 tekens lang zijn."
        in (response.context["form"].errors["password1"])
    )


def test_logging_in_and_out_is_inloggen_and_uitloggen(verified_client):
    login = Client().get(reverse("account_login"))
    logout = verified_client.get(reverse("account_logout"))
    logged_out = verified_client.post(reverse("account_logout"), follow=True)

    assertContains(login, "<h1>Inloggen</h1>", html=True)
    assertContains(login, '<button class="button" type="submit">Inloggen</button>', html=True)
    assertContains(logout, "<h1>Uitloggen</h1>", html=True)
    assertContains(logout, "<p>Weet je zeker dat je wilt uitloggen?</p>", html=True)
    assert [str(m) for m in logged_out.context["messages"]] == ["Je bent uitgelogd."]


def test_the_login_code_is_an_inlogcode_everywhere(client, verified_user):
    request_page = client.get(reverse("account_request_login_code"))
    sent = client.post(
        reverse("account_request_login_code"), {"email": verified_user.email}, follow=True
    )

    assertContains(request_page, "<h1>Stuur me een inlogcode</h1>", html=True)
    assertContains(
        request_page,
        "<p>Je krijgt een inlogcode per e-mail, waarmee je inlogt zonder wachtwoord.</p>",
        html=True,
    )
    assertContains(sent, "<h1>Inlogcode invullen</h1>", html=True)
    assertContains(sent, '<label for="id_code">Inlogcode</label>', html=True)
    assert [str(m) for m in sent.context["messages"]] == [
        f"We hebben een inlogcode gestuurd naar {verified_user.email}."
    ]
    assert mail.outbox[0].subject == "Je inlogcode"
    assert "aanmeldcode" not in visible_text(request_page) + visible_text(sent)


def test_confirming_an_address_is_bevestigen(verified_client):
    verified_client.post(reverse("account_email"), {"email": "ander@example.org", "action_add": ""})

    response = verified_client.get(reverse("account_email"))

    assertContains(
        response,
        '<span class="badge badge--warning badge--email badge--unverified">Niet bevestigd</span>',
        html=True,
    )
    assert "verifi" not in visible_text(response).lower()


def test_english_is_left_alone(client):
    response = client.get("/en/accounts/login/")

    assertContains(response, "<h1>Sign In</h1>", html=True)


def test_signup_page_says_log_dan_in(client):
    response = client.get(reverse("account_signup"))

    assertContains(
        response,
        f'<p>Heb je al een account? <a href="{reverse("account_login")}">Log dan in</a>.</p>',
        html=True,
    )
