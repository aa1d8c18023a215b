"""Sign-in for municipal staff through their organisation's own OpenID Connect provider
(organisations.sso), against a real provider: django-oauth-toolkit in a process of its
own (tests/oidc_provider), started here on a free port of this machine.

Each sign-in walks the whole way: the site's button POSTs to allauth, which sends the
browser to the provider; the person logs in there with the provider's own form; the
provider sends them back with a code, and the site exchanges it at the provider's token
endpoint and reads its userinfo over HTTP. The site's side runs in Django's test client,
the browser's side at the provider in a requests session."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.privacy import account_delete, account_export
from community.settings.base import Env, oidc_apps
from members.models import Membership
from organisations.models import Affiliation, Organisation, Relation
from tests.factories import AffiliationFactory, EmailAddressFactory, MembershipFactory
from tests.markup import hrefs, one, select, text, texts
from tests.oidc_provider.people import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE
from tests.safe_requests import no_database_writes

# In the database, so that the municipalities a migration loads are there even after a
# transactional test emptied it (tests.conftest.municipalities).
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN_URL = "/accounts/oidc/zwolle/login/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider, migrated and set up in a database of its own, served by runserver
    until the module's tests are done."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DATABASE": str(tmp_path_factory.mktemp("provider") / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    }
    for step in (["-m", "django", "migrate", "-v", "0"], ["-m", "tests.oidc_provider.accounts"]):
        subprocess.run([sys.executable, *step], cwd=ROOT, env=env, check=True, timeout=120)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/health/", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, "the provider stopped before it answered"
            assert time.monotonic() < deadline, "the provider did not answer within 30 s"
            time.sleep(0.1)
        yield SimpleNamespace(url=url)
    finally:
        server.terminate()
        server.wait(timeout=10)


def provider_settings(server_url: str, **more: str) -> dict:
    """SOCIALACCOUNT_PROVIDERS as the settings make it from the environment (and the
    variables `more`)."""
    variables = {
        "DJANGO_OIDC_PROVIDERS": "zwolle",
        "DJANGO_OIDC_ZWOLLE_SERVER_URL": server_url,
        "DJANGO_OIDC_ZWOLLE_CLIENT_ID": CLIENT_ID,
        "DJANGO_OIDC_ZWOLLE_SECRET": CLIENT_SECRET,
        **more,
    }
    return {"openid_connect": {"APPS": oidc_apps(Env(variables))}}


@pytest.fixture
def zwolle(db):
    organisation = Organisation.objects.get(slug="zwolle")
    organisation.email_domains = "zwolle.nl, gemeente-zwolle.nl"
    organisation.save(update_fields=["email_domains"])
    return organisation


@pytest.fixture
def configured(settings, provider, zwolle):
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(f"{provider.url}/o")
    return zwolle


def sign_in_via_provider(client, username: str, **form):
    """Press "Inloggen via Zwolle" and log in at the provider as `username`; returns the
    site's answer to the provider's redirect back."""
    started = client.post(LOGIN_URL, form)
    assert started.status_code == 302
    browser = requests.Session()
    form = browser.get(started["Location"], timeout=10)
    assert urlsplit(form.url).path == "/login/", "the provider asks who you are"
    answer = browser.post(
        form.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    # Through the provider's authorize step (the site is registered with
    # skip_authorization) until it sends the browser back to the site.
    while True:
        assert answer.status_code == 302, answer.text[:500]
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith("http://testserver/"):
            break
        answer = browser.get(location, allow_redirects=False, timeout=10)
    callback = location
    assert urlsplit(callback).path == f"{LOGIN_URL}callback/"
    return client.get(callback)


def signed_in_user(client) -> User | None:
    user_id = client.session.get(SESSION_KEY)
    return None if user_id is None else User.objects.get(pk=user_id)


# ---- The sign-in page ---------------------------------------------------------------


def test_the_sign_in_page_offers_the_organisations_provider_as_a_post_form(client, configured):
    response = client.get("/accounts/login/?next=/leden/")
    form = one(response, "form[action='/accounts/oidc/zwolle/login/']")
    assert form.get("method") == "post"
    assert text(one(form, "button")) == "Inloggen via Zwolle"
    assert select(form, "input[name=csrfmiddlewaretoken]")
    assert one(form, "input[name=next]").get("value") == "/leden/"


def test_the_sign_in_page_speaks_english_too(client, configured):
    response = client.get("/en/accounts/login/")
    assert texts(response, ".sign-in-providers button") == ["Sign in with Zwolle"]


def test_without_providers_there_is_no_button_and_no_provider_address(client, zwolle, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert not select(response, ".sign-in-providers")
    assert not select(response, "form[action*='/accounts/oidc/']")
    assert client.post(LOGIN_URL).status_code == 404
    assert client.get(LOGIN_URL).status_code == 404


def test_a_provider_whose_organisation_the_site_does_not_know_gets_no_button(
    client, zwolle, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings("http://127.0.0.1:9/o")
    Organisation.objects.filter(pk=zwolle.pk).update(slug="zwolle-oud")
    assert not select(client.get("/accounts/login/"), ".sign-in-providers")


def test_the_buttons_cost_the_sign_in_page_one_query(client, zwolle, settings):
    client.get("/accounts/login/")
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    with CaptureQueriesContext(connection) as without:
        client.get("/accounts/login/")
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings("http://127.0.0.1:9/o")
    with CaptureQueriesContext(connection) as with_buttons:
        response = client.get("/accounts/login/")
    assert texts(response, ".sign-in-providers button") == ["Inloggen via Zwolle"]
    assert len(with_buttons) == len(without) + 1


def test_opening_the_provider_address_starts_nothing(client, configured):
    """A GET (a link, a prefetch) only shows a page whose button POSTs."""
    with no_database_writes():
        response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert one(response, "main form").get("method") == "post"


@pytest.fixture
def named_in_environment(settings, zwolle):
    """Zwolle's provider, called something else in the environment (`_NAME`); nothing
    runs at its address: showing the page before the sign-in needs the settings only."""
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(
        "http://127.0.0.1:9/o", DJANGO_OIDC_ZWOLLE_NAME="Entra ID productie"
    )
    return zwolle


def test_the_page_at_the_provider_address_names_the_organisation(client, named_in_environment):
    with no_database_writes():
        response = client.get(f"{LOGIN_URL}?next=/leden/")

    assert response.status_code == 200
    main = one(response, "main")
    assert text(one(main, "h1")) == "Inloggen via Zwolle"
    assert text(one(main, "p")) == (
        "Je logt in met het account van je werk bij Zwolle: je gaat naar de inlogpagina "
        "van Zwolle en komt daarna hier terug."
    )
    assert "Entra" not in text(main) and "Entra" not in text(one(response, "title"))
    form = one(main, "form")
    # No action: the form posts to the address it is on, `next` and all.
    assert (form.get("method"), form.get("action")) == ("post", None)
    assert select(form, "input[name=csrfmiddlewaretoken]")
    assert text(one(form, "button[type=submit]")) == "Inloggen via Zwolle"


def test_the_page_at_the_provider_address_speaks_english_too(client, named_in_environment):
    response = client.get(f"/en{LOGIN_URL}")
    main = one(response, "main")
    assert text(one(main, "h1")) == "Sign in with Zwolle"
    assert text(one(main, "p")) == (
        "You sign in with your work account at Zwolle: you go to the sign-in page of "
        "Zwolle and come back here afterwards."
    )
    assert text(one(main, "form button")) == "Sign in with Zwolle"


def test_the_page_needs_a_csrf_token_to_go_on(named_in_environment):
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN_URL).status_code == 403


def test_a_provider_whose_organisation_is_gone_offers_no_sign_in(client, named_in_environment):
    Organisation.objects.filter(pk=named_in_environment.pk).update(slug="zwolle-oud")
    response = client.get(LOGIN_URL)
    main = one(response, "main")
    assert response.status_code == 200
    assert text(one(main, "h1")) == "Inloggen"
    assert texts(main, "p") == ["Inloggen via deze organisatie kan hier niet (meer).", "Inloggen"]
    assert not select(main, "form")
    assert hrefs(main, "a") == [reverse("account_login")]


# ---- Signing in ---------------------------------------------------------------------


def test_a_new_person_is_signed_in_and_sent_to_join_via_their_organisation(client, configured):
    response = sign_in_via_provider(client, "anne")
    assert response.status_code == 302
    assert response["Location"] == "/gemeenten/zwolle/"
    user = signed_in_user(client)
    assert user is not None and user.email == "anne@zwolle.nl"
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("", "")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("anne@zwolle.nl", True)
    ]
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "zwolle"
    assert account.extra_data == {"email": "anne@zwolle.nl", "email_verified": True}
    assert Membership.objects.for_user(user) is None
    page = client.get(response["Location"])
    assert any("Word hier lid via Zwolle" in line for line in texts(page, ".messages li"))

    # "Word lid via Zwolle": a copy, and "werkt bij" confirmed by the address.
    joined = client.post(
        reverse("organisation_join", kwargs={"slug": "zwolle"}), {"relation": Relation.WORKS}
    )
    assert joined.status_code == 302
    affiliation = Affiliation.objects.get(membership__user=user)
    assert (affiliation.organisation, affiliation.relation, affiliation.verified) == (
        configured,
        Relation.WORKS,
        True,
    )


def test_a_member_with_the_address_signs_in_to_their_account_with_a_verified_affiliation(
    client, configured
):
    membership = MembershipFactory(user__email="bert@zwolle.nl")
    EmailAddressFactory(user=membership.user, email="bert@zwolle.nl", verified=True)
    response = sign_in_via_provider(client, "bert")
    assert response.status_code == 302
    assert signed_in_user(client) == membership.user
    assert SocialAccount.objects.get(provider="zwolle").user == membership.user
    affiliation = Affiliation.objects.get(membership=membership)
    assert (affiliation.organisation, affiliation.relation) == (configured, Relation.WORKS)
    assert affiliation.verified and not affiliation.public

    # Signing in again changes nothing but the time of the last login.
    counts = (
        User.objects.count(),
        SocialAccount.objects.count(),
        EmailAddress.objects.count(),
        Affiliation.objects.count(),
    )
    client.logout()
    assert sign_in_via_provider(client, "bert").status_code == 302
    assert signed_in_user(client) == membership.user
    assert counts == (
        User.objects.count(),
        SocialAccount.objects.count(),
        EmailAddress.objects.count(),
        Affiliation.objects.count(),
    )


def test_an_affiliation_the_member_made_public_is_verified_and_stays_public(client, configured):
    membership = MembershipFactory(user__email="eva@zwolle.nl")
    EmailAddressFactory(user=membership.user, email="eva@zwolle.nl", verified=True)
    AffiliationFactory(
        membership=membership,
        organisation=configured,
        relation=Relation.WORKS,
        public=True,
        verified=False,
    )
    sign_in_via_provider(client, "eva")
    affiliation = Affiliation.objects.get(membership=membership)
    assert affiliation.verified and affiliation.public


def test_an_unconfirmed_account_with_the_address_loses_its_password_to_the_owner(
    client, configured, mailoutbox
):
    """Someone who signed up with a Zwolle address they do not own, and never confirmed
    it, loses the account's password when its owner signs in through Zwolle; the owner
    gets the confirmation mail that opens the account to them."""
    squatter = User.objects.create_user(
        username="squatter", email="fien@zwolle.nl", password="a password of someone else"
    )
    EmailAddressFactory(user=squatter, email="fien@zwolle.nl", verified=False)
    sign_in_via_provider(client, "fien")
    squatter.refresh_from_db()
    assert not squatter.has_usable_password()
    assert signed_in_user(client) is None
    assert [message.to for message in mailoutbox] == [["fien@zwolle.nl"]]
    assert SocialAccount.objects.get(provider="zwolle").user == squatter


@pytest.mark.parametrize(
    ("username", "why"),
    [("carla", "an address on another domain"), ("daan", "an address it did not verify")],
)
def test_a_provider_account_without_a_trusted_address_is_refused(client, configured, username, why):
    response = sign_in_via_provider(client, username)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not User.objects.filter(email__iexact=PEOPLE[username][0]).exists()
    assert not SocialAccount.objects.exists()
    page = client.get(response["Location"])
    assert texts(page, ".messages li") == [
        "Zwolle gaf geen bevestigd e-mailadres van Zwolle door, dus we weten niet wie je "
        "bent. Log hieronder in met je e-mailadres."
    ], why


def test_an_account_with_an_unverified_trusted_address_is_not_signed_in_by_it(client, configured):
    """The provider's account carla@example.com cannot reach an account whose address is
    not on Zwolle's domains, verified or not."""
    member = MembershipFactory(user__email="carla@example.com")
    EmailAddressFactory(user=member.user, email="carla@example.com", verified=True)
    sign_in_via_provider(client, "carla")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_connecting_the_provider_to_another_account_is_refused(client, configured):
    """allauth's "connect" would tie the provider's account to whoever is signed in,
    whatever their address: only signing in through it counts here."""
    member = MembershipFactory()
    EmailAddressFactory(user=member.user)
    client.force_login(member.user)
    response = sign_in_via_provider(client, "anne", process="connect")
    assert response["Location"] == "/accounts/login/"
    assert not SocialAccount.objects.exists()
    assert not Affiliation.objects.exists()


# ---- Privacy ------------------------------------------------------------------------


def test_the_connected_provider_is_in_the_data_download_and_goes_with_the_account(
    client, configured
):
    sign_in_via_provider(client, "anne")
    user = signed_in_user(client)
    account = SocialAccount.objects.get(user=user)
    exported = account_export(user=user)["sign_in_providers"]
    assert exported == [
        {
            "provider": "zwolle",
            "uid": account.uid,
            "extra_data": {"email": "anne@zwolle.nl", "email_verified": True},
            "connected_at": account.date_joined.isoformat(),
            "last_login": account.last_login.isoformat(),
        }
    ]
    account_delete(user=user)
    assert not SocialAccount.objects.exists()


# ---- Settings -----------------------------------------------------------------------


def test_each_organisation_named_becomes_an_app_with_its_slug_as_provider_id():
    apps = oidc_apps(
        Env(
            {
                "DJANGO_OIDC_PROVIDERS": "zwolle, de-bilt",
                "DJANGO_OIDC_ZWOLLE_SERVER_URL": "https://login.zwolle.nl/realms/staff",
                "DJANGO_OIDC_ZWOLLE_CLIENT_ID": "boek",
                "DJANGO_OIDC_ZWOLLE_SECRET": "s1",
                "DJANGO_OIDC_DE_BILT_SERVER_URL": "https://login.microsoftonline.com/t/v2.0",
                "DJANGO_OIDC_DE_BILT_CLIENT_ID": "c2",
                "DJANGO_OIDC_DE_BILT_SECRET": "s2",
                "DJANGO_OIDC_DE_BILT_NAME": "Entra ID van De Bilt",
            }
        )
    )
    assert [(app["provider_id"], app["name"], app["client_id"]) for app in apps] == [
        ("zwolle", "zwolle", "boek"),
        ("de-bilt", "Entra ID van De Bilt", "c2"),
    ]
    assert apps[1]["settings"] == {
        "server_url": "https://login.microsoftonline.com/t/v2.0",
        "oauth_pkce_enabled": True,
    }


def test_no_providers_named_means_none():
    assert oidc_apps(Env({})) == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"DJANGO_OIDC_PROVIDERS": "zwolle", "DJANGO_OIDC_ZWOLLE_SERVER_URL": "https://x"},
            "Set DJANGO_OIDC_ZWOLLE_CLIENT_ID (DJANGO_OIDC_PROVIDERS names zwolle)",
        ),
        ({"DJANGO_OIDC_PROVIDERS": "Zwolle"}, "'Zwolle' is not an organisation's slug"),
    ],
)
def test_a_provider_that_is_not_fully_configured_stops_the_start(variables, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        oidc_apps(Env(variables))
