"""Sessions: a session from before login is never the logged-in one (fixation), a
logged-out session cookie opens nothing, and a new password ends the other sessions.

What is configured (community/settings/base.py): ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is
False, so the browser that changes the password stays logged in (allauth refreshes its
session hash); every other session of the account ends, because Django checks each
request's session against a hash of the current password. Deleting the account ends
every session (members.services._sessions_end)."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import EmailAddressFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a whole new horse battery"
COOKIE = settings.SESSION_COOKIE_NAME


@pytest.fixture
def account(db):
    user = MembershipFactory().user
    EmailAddressFactory(user=user)
    return user


def _login(client, user, password=PASSWORD):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content[:1000]
    return client.cookies[COOKIE].value


def _is_logged_in(client) -> bool:
    return client.get(reverse("data")).status_code == 200


def _with_cookie(make_client, value):
    client = make_client()
    client.cookies[COOKIE] = value
    return client


def test_a_session_planted_before_login_is_not_the_logged_in_one(make_client, account):
    victim = make_client()
    victim.get(reverse("account_login"))
    session = victim.session
    session["planted"] = True
    session.save()
    planted = victim.cookies[COOKIE].value
    after = _login(victim, account)
    assert after != planted
    assert not _is_logged_in(_with_cookie(make_client, planted))
    assert _is_logged_in(_with_cookie(make_client, after))


def test_after_logout_the_old_session_cookie_opens_nothing(make_client, account):
    browser = make_client()
    cookie = _login(browser, account)
    copy = _with_cookie(make_client, cookie)
    assert _is_logged_in(copy)
    assert browser.post(reverse("account_logout")).status_code == 302
    assert not _is_logged_in(browser)
    replayed = copy.get(reverse("data"))
    assert replayed.status_code == 302 and "/accounts/login/" in replayed["Location"]


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(make_client, account):
    here, elsewhere = make_client(), make_client()
    _login(here, account)
    _login(elsewhere, account)
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content[:1000]
    assert _is_logged_in(here)
    assert not _is_logged_in(elsewhere)
    assert settings.ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is False


def test_a_password_reset_ends_every_session(make_client, account):
    elsewhere = make_client()
    _login(elsewhere, account)
    visitor = make_client()
    visitor.post(reverse("account_reset_password"), {"email": account.email})
    (message,) = mail.outbox
    link = next(
        word.split("testserver", 1)[1]
        for word in message.body.split()
        if "/accounts/password/reset/key/" in word
    )
    form = visitor.get(link, follow=True)
    response = visitor.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content[:1000]
    assert not _is_logged_in(elsewhere)
    _login(make_client(), account, NEW_PASSWORD)


def test_deleting_the_account_ends_every_session(make_client, account):
    here, elsewhere = make_client(), make_client()
    _login(here, account)
    cookie = _login(elsewhere, account)
    response = here.post(reverse("account_delete"), {"email": account.email})
    assert response.status_code == 302
    assert not _is_logged_in(here)
    assert not _is_logged_in(_with_cookie(make_client, cookie))


def test_the_session_cookie_is_out_of_reach_of_scripts(make_client, account):
    browser = make_client()
    _login(browser, account)
    morsel = browser.cookies[COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
