"""Signing up again with an address whose account was never confirmed (other capitals
make no difference): the page answers as for any signup, so nobody learns whether the
address has an account; the mail to the address says what happened and brings a fresh
confirmation link."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, link_in

pytestmark = pytest.mark.django_db


def signup(email: str):
    """A signup in a browser of its own; the page it leads to, with its messages."""
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return Client().post(reverse("account_signup"), data, follow=True)


def page_of(response, email: str) -> tuple:
    """What the visitor sees: where they landed, the page and its messages, with the
    CSRF token left out and the address they typed themselves replaced."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)
    messages = [str(m).replace(email, "ADRES") for m in response.context["messages"]]
    return response.redirect_chain, html.replace(email, "ADRES"), messages


def test_signing_up_again_with_other_capitals_mails_a_new_confirmation(clock):
    signup("Anna@Example.org")
    clock(181)

    signup("ANNA@example.org")

    first, again = mail.outbox
    assert again.to == ["anna@example.org"]
    assert again.subject == "Je account wacht nog op je bevestiging"
    assert "al eerder een account gemaakt, maar het adres is nog niet bevestigd" in again.body
    assert "Hoofdletters maken in een e-mailadres geen verschil" in again.body
    lines = again.body.splitlines()
    assert "http://testserver/accounts/login/code/" in lines
    assert "http://testserver/accounts/password/reset/" in lines
    confirm = Client().post(link_in(again.body, "/accounts/confirm-email/"))
    assert confirm.status_code == 302
    assert get_user_model().objects.filter(email__iexact="anna@example.org").count() == 1
    assert EmailAddress.objects.get(email="anna@example.org").verified


def test_the_page_is_the_same_as_for_an_address_without_account(clock):
    signup("Anna@Example.org")
    clock(181)

    again = page_of(signup("ANNA@example.org"), "anna@example.org")
    new = page_of(signup("bram@example.org"), "bram@example.org")

    assert again == new
    assert again[0] == [(reverse("account_email_verification_sent"), 302)]
    assert again[2] == ["We hebben een bevestigingsmail gestuurd naar ADRES."]


def test_signing_up_again_at_once_offers_the_resend_that_brings_the_mail(clock):
    signup("Anna@Example.org")
    browser = Client()
    data = {"email": "anna@EXAMPLE.org", "password1": PASSWORD, "password2": PASSWORD}
    browser.post(reverse("account_signup"), data, follow=True)
    # Within the rate limit of the first mail: nothing is sent, as for a new address.
    assert len(mail.outbox) == 1
    clock(181)

    browser.post(reverse("email_confirmation_resend"), follow=True)

    assert mail.outbox[-1].subject == "Je account wacht nog op je bevestiging"


def test_a_confirmed_account_still_gets_the_already_exists_mail(clock, verified_user):
    clock(181)

    signup(verified_user.email.upper())

    (message,) = mail.outbox
    assert message.subject == "Je hebt al een account"
    assert "/accounts/confirm-email/" not in message.body


def test_the_mail_is_in_english_for_a_signup_in_english(clock):
    signup("Anna@Example.org")
    clock(181)
    data = {"email": "ANNA@example.org", "password1": PASSWORD, "password2": PASSWORD}

    Client().post("/en/accounts/signup/", data)

    again = mail.outbox[-1]
    assert again.subject == "Your account is still waiting for your confirmation"
    assert "Capitals make no difference in an e-mail address" in again.body
