"""Internationalised e-mail domains: a domain that mixes scripts within a label (a
look-alike such as "exаmple.org" with a Cyrillic а) is refused wherever an address is
typed, with a clear error; real internationalised domains are welcome."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from members.adapters import MIXED_SCRIPT_DOMAIN

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOOK_ALIKES = [
    "anna@ex\u0430mple.org",  # Cyrillic а among Latin letters
    "anna@xn--exmple-4nf.org",  # the same, typed as punycode
    "anna@post.wikipedi\u0430.org",  # in a subdomain
    "anna@\u03b1pple.com",  # Greek alpha
]
WELCOME = [
    "anna@b\u00fccher.de",
    "anna@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",  # all Cyrillic: пример.рф
    "anna@\u65e5\u672c\u8a9e\u30c9\u30e1\u30a4\u30f3.jp",  # Han and Katakana together
    "anna@example.org",
]


def signup(client, email, path=None):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(path or reverse("account_signup"), data)


@pytest.mark.parametrize("email", LOOK_ALIKES)
def test_signup_with_a_look_alike_domain_is_refused_with_a_clear_error(client, email):
    response = signup(client, email)

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [str(MIXED_SCRIPT_DOMAIN)]
    assertContains(
        response,
        f'<ul class="errorlist" id="id_email_error"><li>{MIXED_SCRIPT_DOMAIN}</li></ul>',
        html=True,
    )
    assert not get_user_model().objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("email", WELCOME)
def test_signup_with_an_internationalised_domain_in_one_script_is_welcome(client, email):
    response = signup(client, email)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert EmailAddress.objects.filter(email=email.lower()).exists()


def test_the_error_is_in_english_under_en(client):
    response = signup(client, LOOK_ALIKES[0], path="/en/accounts/signup/")

    (error,) = response.context["form"].errors["email"]
    assert error.startswith("The domain of this e-mail address (the part after the @) mixes")


def test_adding_a_look_alike_address_is_refused(verified_client):
    response = verified_client.post(
        reverse("account_email"), {"email": LOOK_ALIKES[0], "action_add": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [str(MIXED_SCRIPT_DOMAIN)]
    assert EmailAddress.objects.count() == 1


def test_password_reset_for_a_look_alike_address_is_refused(client):
    response = client.post(reverse("account_reset_password"), {"email": LOOK_ALIKES[0]})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [str(MIXED_SCRIPT_DOMAIN)]
    assert mail.outbox == []
