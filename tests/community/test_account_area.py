"""The account area: one navigation on each of its pages, with the page it is on marked;
a member gets the links about their copy too, an account without one the rest."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

pytestmark = pytest.mark.django_db

MEMBER_LINKS = [
    ("members:mine", "Mijn exemplaar"),
    ("stories:mine", "Mijn verhalen"),
    ("stories:notifications", "E-mailvoorkeuren"),
]
ACCOUNT_LINKS = [
    ("meetings:mail_settings", "E-mails over bijeenkomsten"),
    ("account_email", "E-mailadres wijzigen"),
    ("account_change_password", "Wachtwoord wijzigen"),
    ("data", "Mijn gegevens"),
    ("account_delete", "Account verwijderen"),
]


def account_nav(response) -> str:
    """The account navigation of a page (exactly one), as HTML to search in."""
    assert response.status_code == 200
    navs = re.findall(r'<nav class="account-nav".*?</nav>', response.text, re.DOTALL)
    assert len(navs) == 1
    return navs[0]


def nav_link(url_name: str, label: str, *, current: bool = False) -> str:
    marker = ' aria-current="page"' if current else ""
    return f'<a href="{reverse(url_name)}"{marker}>{label}</a>'


def test_account_page_links_to_every_part_of_the_account_area(member_client):
    nav = account_nav(member_client.get(reverse("members:mine")))

    assert nav.startswith('<nav class="account-nav" aria-label="Mijn account">')
    for url_name, label in MEMBER_LINKS + ACCOUNT_LINKS:
        assertInHTML(nav_link(url_name, label, current=url_name == "members:mine"), nav, 1)


@pytest.mark.parametrize(("url_name", "label"), MEMBER_LINKS + ACCOUNT_LINKS)
def test_each_account_page_has_the_navigation_with_itself_marked(member_client, url_name, label):
    nav = account_nav(member_client.get(reverse(url_name)))

    assertInHTML(nav_link(url_name, label, current=True), nav, 1)
    for other_name, other_label in MEMBER_LINKS + ACCOUNT_LINKS:
        if other_name != url_name:
            assertInHTML(nav_link(other_name, other_label), nav, 1)


def test_without_a_password_the_password_link_is_current_on_the_set_password_page(client, member):
    member.set_unusable_password()
    member.save()
    client.force_login(member)

    response = client.get(reverse("account_change_password"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_set_password")
    assertInHTML(
        nav_link("account_change_password", "Wachtwoord wijzigen", current=True),
        account_nav(response),
        1,
    )


def test_an_account_without_a_copy_gets_the_account_links_only(client, user):
    client.force_login(user)

    nav = account_nav(client.get(reverse("data")))

    for url_name, label in ACCOUNT_LINKS:
        assertInHTML(nav_link(url_name, label, current=url_name == "data"), nav, 1)
    for url_name, label in MEMBER_LINKS:
        assertInHTML(nav_link(url_name, label), nav, 0)


def test_the_navigation_logs_out_with_a_post(member_client):
    response = member_client.get(reverse("data"))

    assertInHTML(
        f'<form class="inline-form" method="post" action="{reverse("account_logout")}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{response.context["csrf_token"]}">'
        '<button type="submit" class="link-button">Uitloggen</button></form>',
        account_nav(response),
        1,
    )
