"""Curators see internationalised addresses with their punycode form beside them, so a
look-alike letter in the domain shows."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from members.admin import email_for_curators
from tests.factories import EmailAddressFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOOK_ALIKE = "anna@ex\u0430mple.org"
SHOWN = f"{LOOK_ALIKE} (anna@xn--exmple-4nf.org)"


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("anna@example.org", "anna@example.org"),
        ("anna@b\u00fccher.de", "anna@b\u00fccher.de (anna@xn--bcher-kva.de)"),
        (LOOK_ALIKE, SHOWN),
        ("", ""),
    ],
)
def test_email_for_curators(email, shown):
    assert email_for_curators(email) == shown


def cells(response) -> list[str]:
    """The e-mail column of a changelist, as its cells' text."""
    cl = response.context["cl"]
    admin = cl.model_admin
    column = next(name for name in admin.list_display if "email" in name)
    return [str(getattr(admin, column)(obj)) for obj in cl.result_list]


def test_membership_list_shows_the_punycode_form(admin_client):
    MembershipFactory(user=UserFactory(email=LOOK_ALIKE))

    response = admin_client.get(reverse("admin:members_membership_changelist"))

    assert cells(response) == [SHOWN]
    assertContains(response, f'<td class="field-user_email">{SHOWN}</td>', html=True)


def test_user_list_shows_the_punycode_form(admin_client, admin_user):
    UserFactory(email=LOOK_ALIKE)

    response = admin_client.get(reverse("admin:auth_user_changelist"))

    assert sorted(cells(response)) == sorted([SHOWN, admin_user.email])
    assertContains(response, f'<td class="field-email_shown">{SHOWN}</td>', html=True)


def test_email_address_list_shows_the_punycode_form(admin_client):
    user = UserFactory(email=LOOK_ALIKE)
    EmailAddressFactory(user=user, email=LOOK_ALIKE, verified=False)

    response = admin_client.get(reverse("admin:account_emailaddress_changelist"))

    assert cells(response) == [SHOWN]
    change_url = reverse("admin:account_emailaddress_change", args=[user.emailaddress_set.get().pk])
    assertContains(
        response,
        f'<th class="field-email_shown"><a href="{change_url}">{SHOWN}</a></th>',
        html=True,
    )
