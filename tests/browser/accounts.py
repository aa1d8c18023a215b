"""Accounts for the browser journeys: verified, with a copy of the book (the next free
number), and a password the journeys type into the real login form."""

from django.db.models import Max
from playwright.sync_api import expect

from core.roles import curators_group_sync
from members.models import Membership
from tests.factories import EmailAddressFactory, MembershipFactory, UserFactory

PASSWORD = "een lang wachtwoord 2026"


def next_number() -> int:
    return (Membership.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1


def verified_account(email: str, *, curator: bool = False):
    """A verified account with a copy of the book; a curator is staff in the Curators
    group."""
    user = UserFactory(email=email, password=PASSWORD, is_staff=curator)
    EmailAddressFactory(user=user, email=email)
    if curator:
        user.groups.add(curators_group_sync())
    MembershipFactory(user=user, number=next_number())
    return user


def log_in(page, user) -> None:
    """Through the real login form; done when the header offers "Uitloggen"."""
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main form button[type="submit"]').click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Uitloggen")
