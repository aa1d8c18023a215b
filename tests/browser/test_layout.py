"""The shape of the pages: the header in one row on a desktop (1280 px) and folded into a
menu of at most 12% of the screen on a phone (390 x 844), with and without
JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.accounts import next_number
from tests.browser.conftest import VIEWPORTS
from tests.factories import ProfileFactory, UserFactory

#: 80 characters and no break opportunity: a browser can only wrap it where CSS lets it.
LONG = "Samenwerkingsverband" * 4
LONG_EMAIL = LONG[:63].lower() + "@buurtgemeente.nl"
PHONE = VIEWPORTS["mobile"]
PHONE_HEIGHT = PHONE["viewport"]["height"]
FITS = "document.documentElement.scrollWidth <= window.innerWidth"

phone = pytest.mark.browser_context_args(**PHONE)


def _log_in(page, live_server, user) -> None:
    """Hands the browser the session cookie of a Django test client: quicker than the
    login form, which the journeys test."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _long_member(**extra):
    return ProfileFactory(
        membership__user=UserFactory(email=LONG_EMAIL, **extra),
        membership__number=next_number(),
        display_name=LONG,
        municipality=LONG,
        visibility="full",
    ).membership


def _header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


@phone
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_phone_header_folds_into_a_menu_that_opens(
    browser, live_server, demo_book, axe_check, javascript
):
    context = browser.new_context(
        **PHONE, base_url=live_server.url, locale="nl-NL", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(demo_book[0].get_absolute_url())
    menu_button = page.get_by_text("Menu", exact=True)
    site_nav = page.get_by_role("navigation", name="Hoofdmenu")

    assert _header_height(page) <= 0.12 * PHONE_HEIGHT
    expect(menu_button).to_be_visible()
    expect(site_nav).to_be_hidden()
    if javascript:
        axe_check(page)

    menu_button.click()
    expect(site_nav.get_by_role("link", name="Verhalen")).to_be_visible()
    language = page.get_by_role("navigation", name="Taal")
    expect(language.get_by_role("link", name="Nederlands")).to_have_attribute(
        "aria-current", "true"
    )
    assert page.evaluate(FITS)
    if javascript:
        axe_check(page)

    menu_button.click()
    expect(site_nav).to_be_hidden()
    context.close()


def test_current_language_stands_out(page, demo_book):
    page.goto(demo_book[0].get_absolute_url())
    language = page.get_by_role("navigation", name="Taal")
    current = language.get_by_role("link", name="Nederlands")
    other = language.get_by_role("link", name="English")
    expect(current).to_have_attribute("aria-current", "true")
    expect(other).not_to_have_attribute("aria-current", "true")
    look = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    assert current.evaluate(look) != other.evaluate(look)


@pytest.mark.parametrize("who", ["visitor", "curator"])
def test_desktop_header_is_one_row(page, live_server, demo_book, axe_check, who):
    """1280 px wide, with the most links the header ever shows (a curator's)."""
    if who == "curator":
        _log_in(page, live_server, _long_member(is_staff=True, is_superuser=True).user)
    page.goto(demo_book[0].get_absolute_url())
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    boxes = [
        element.bounding_box()
        for element in page.locator(
            ".site-title, .site-nav a, .site-nav button, .language-switcher a"
        ).all()
    ]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= 4, middles
    assert _header_height(page) <= 100
    assert page.evaluate(FITS)
    axe_check(page)
