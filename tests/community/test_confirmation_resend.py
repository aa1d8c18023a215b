"""'Stuur de bevestiging opnieuw': from the page after signup (no address typed: the one of
the pending signup in the session) and from the e-mail page (an own unconfirmed
address), held back by allauth's confirm_email rate limit with a clear message, and the
same answer whether or not the address already has an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML

from community.account_views import TOO_SOON
from tests.markup import attributes

from .conftest import PASSWORD, link_in

pytestmark = pytest.mark.django_db

RESEND_URL = "/accounts/bevestiging-opnieuw/"


def signup(client, email="nieuw@example.org"):
    """Sign up and read the page it leads to, with its messages."""
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def resend_form(email: str | None = None) -> str:
    hidden = f'<input type="hidden" name="email" value="{email}">' if email else ""
    label = f'<span class="visually-hidden"> naar {email}</span>' if email else ""
    return (
        f'<form class="inline-form resend-confirmation" method="post" action="{RESEND_URL}">'
        f"{hidden}"
        f'<button type="submit" class="button button--secondary">'
        f"Stuur de bevestiging opnieuw{label}</button></form>"
    )


def without_csrf(html: str) -> str:
    return re.sub(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">', "", html)


def test_resend_url_is_translated():
    assert reverse("email_confirmation_resend") == RESEND_URL


def test_the_page_after_signup_offers_to_send_the_confirmation_again(client):
    response = signup(client)

    assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assertInHTML(resend_form(), without_csrf(response.text), 1)
    assertContains(
        response, f'<a href="{reverse("contact")}">Neem contact met ons op</a>', html=True
    )


def test_resend_right_after_signup_is_held_back_with_a_message(client):
    signup(client)

    response = client.post(RESEND_URL, follow=True)

    assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assert len(mail.outbox) == 1
    assert messages_of(response) == [str(TOO_SOON)]


def test_resend_three_minutes_later_sends_a_link_that_works(client, clock):
    signup(client)
    clock(181)

    response = client.post(RESEND_URL, follow=True)

    assert messages_of(response) == [
        "We hebben een bevestigingsmail gestuurd naar nieuw@example.org."
    ]
    first, again = mail.outbox
    assert again.to == ["nieuw@example.org"]
    client.post(link_in(again.body, "/accounts/confirm-email/"))
    assert EmailAddress.objects.get(email="nieuw@example.org").verified


def test_resend_is_capped_at_five_mails_an_hour(client, clock):
    signup(client)
    for _ in range(4):
        clock(181)
        client.post(RESEND_URL, follow=True)
    assert len(mail.outbox) == 5

    clock(181)
    response = client.post(RESEND_URL, follow=True)

    assert len(mail.outbox) == 5
    assert messages_of(response) == [str(TOO_SOON)]


def test_resend_answers_the_same_for_an_address_that_already_has_an_account(clock):
    existing = Client()
    new = Client()
    signup(existing, email="al.lid@example.org")
    mail.outbox.clear()
    EmailAddress.objects.filter(email="al.lid@example.org").update(verified=True)
    signup(existing, email="al.lid@example.org")
    signup(new, email="nieuw@example.org")
    clock(181)

    answers = [
        (
            client.post(RESEND_URL, follow=True),
            email,
        )
        for client, email in [(existing, "al.lid@example.org"), (new, "nieuw@example.org")]
    ]

    for response, email in answers:
        assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
        assert messages_of(response) == [f"We hebben een bevestigingsmail gestuurd naar {email}."]
    assert [message.to for message in mail.outbox[-2:]] == [
        ["al.lid@example.org"],
        ["nieuw@example.org"],
    ]
    # The owner of the taken address hears about it; the visitor learns nothing.
    assert mail.outbox[-2].subject == "Je hebt al een account"


def test_resend_without_a_pending_signup_sends_people_to_log_in(client):
    response = client.post(RESEND_URL, follow=True)

    assert response.redirect_chain == [(reverse("account_login"), 302)]
    assert mail.outbox == []
    (message,) = messages_of(response)
    assert message.startswith("Log in met je e-mailadres en wachtwoord")


def test_resend_needs_a_post(client):
    signup(client)

    assert client.get(RESEND_URL).status_code == 405
    assert len(mail.outbox) == 1


def test_e_mail_page_offers_resend_for_unconfirmed_addresses_only(verified_client):
    verified_client.post(reverse("account_email"), {"email": "ander@example.org", "action_add": ""})

    response = verified_client.get(reverse("account_email"))

    page = without_csrf(response.text)
    assertInHTML(resend_form("ander@example.org"), page, 1)
    assertInHTML(resend_form("lid@example.org"), page, 0)


def test_logged_in_resend_for_an_added_address(verified_client, clock):
    data = {"email": "ander@example.org"}
    verified_client.post(reverse("account_email"), {**data, "action_add": ""}, follow=True)

    too_soon = verified_client.post(RESEND_URL, data, follow=True)
    clock(181)
    later = verified_client.post(RESEND_URL, data, follow=True)

    assert too_soon.redirect_chain == [(reverse("account_email"), 302)]
    assert messages_of(too_soon) == [str(TOO_SOON)]
    assert messages_of(later) == ["We hebben een bevestigingsmail gestuurd naar ander@example.org."]
    assert [message.to for message in mail.outbox] == [["ander@example.org"]] * 2


def test_logged_in_resend_refuses_an_address_of_someone_else(verified_client, clock):
    other = Client()
    signup(other, email="iemand.anders@example.org")
    clock(181)

    response = verified_client.post(RESEND_URL, {"email": "iemand.anders@example.org"}, follow=True)

    assert messages_of(response) == ["Dat adres hoort niet bij je account, of is al bevestigd."]
    assert len(mail.outbox) == 1


def test_the_page_after_signup_in_english(client):
    response = client.get("/en/accounts/confirm-email/")

    assertContains(
        response,
        '<button type="submit" class="button button--secondary">Send the confirmation again'
        "</button>",
        html=True,
    )
    assert attributes(response, "main form", "action") == ["/en/accounts/resend-confirmation/"]
