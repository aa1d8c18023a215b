"""The reader's journey: home, table of contents, a chapter, the next one, a chapter for
members, another language, the keyboard and the printer.

Elements are found by role and accessible name, as a reader using assistive technology
finds them, so a restyle does not break these tests.
"""

import html
import re

from django.utils import translation
from playwright.sync_api import expect

from book.models import Access, Book


def first_paragraph(chapter) -> str:
    """The text of the chapter body's first paragraph: proof that the body is on a page."""
    match = re.search(r"<p>(.*?)</p>", chapter.body_html, re.DOTALL)
    assert match, f"chapter {chapter.slug} has no paragraph to look for"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def toc_link(page, chapter):
    return page.get_by_role("region", name="Inhoudsopgave").get_by_role(
        "link", name=re.compile(rf"\b{chapter.number}\s+{re.escape(chapter.title)}$")
    )


def test_home_shows_the_book_and_its_table_of_contents(
    page, viewport, demo_book, axe_check, screenshot
):
    page.goto("/")

    expect(page).to_have_title(re.compile(re.escape(Book.objects.current().title)))
    expect(page.get_by_role("heading", level=1)).to_have_text(Book.objects.current().title)
    toc = page.get_by_role("region", name="Inhoudsopgave")
    expect(toc.get_by_role("heading", name="Inhoudsopgave")).to_be_visible()
    expect(toc.get_by_role("listitem")).to_have_count(len(demo_book))
    for chapter in demo_book:
        expect(toc_link(page, chapter)).to_have_attribute("href", chapter.get_absolute_url())
    axe_check(page)
    screenshot(page, "home" if viewport == "desktop" else f"home-{viewport}")


def test_reader_follows_the_contents_to_chapter_one_and_on_to_chapter_two(
    page, viewport, demo_book, axe_check, screenshot
):
    first, second = demo_book[0], demo_book[1]
    page.goto("/")

    toc_link(page, first).click()

    expect(page).to_have_url(re.compile(re.escape(first.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    if first.access == Access.OPEN:
        expect(page.get_by_text(first_paragraph(first))).to_be_visible()
    axe_check(page)
    screenshot(page, "chapter" if viewport == "desktop" else f"chapter-{viewport}")

    page.get_by_role("link", name="Volgende").click()

    expect(page).to_have_url(re.compile(re.escape(second.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)


def test_members_chapter_invites_an_anonymous_reader_instead_of_showing_the_body(
    page, demo_book, axe_check
):
    chapter = next(c for c in demo_book if c.access == Access.MEMBERS)
    page.goto(chapter.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text(chapter.title)
    expect(page.get_by_role("heading", name="Dit hoofdstuk is voor leden")).to_be_visible()
    invitation = page.get_by_role("region", name="Dit hoofdstuk is voor leden")
    expect(invitation.get_by_role("link", name="Claim je exemplaar")).to_be_visible()
    expect(page.get_by_text(first_paragraph(chapter))).to_have_count(0)
    axe_check(page)


def test_language_switcher_shows_the_chapter_in_english(page, demo_book, screenshot):
    chapter = demo_book[0]
    page.goto(chapter.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    language = page.get_by_role("navigation", name=re.compile(r"^(Taal|Language)"))
    language.get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/en/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(chapter.title)
    with translation.override("en"):
        next_label = translation.gettext("Volgende")
    # Until the English catalogue is compiled the label stays Dutch; check it once it is not.
    if next_label != "Volgende":
        expect(page.get_by_role("link", name=next_label)).to_be_visible()
    screenshot(page, "chapter-en")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, demo_book):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_printed_chapter_leaves_out_navigation_and_pager(page, demo_book):
    page.goto(demo_book[0].get_absolute_url())
    title = page.get_by_role("heading", level=1)
    site_nav = page.get_by_role("navigation", name="Hoofdmenu")
    pager = page.get_by_role("navigation", name="Vorige en volgende hoofdstuk")
    # On screen all three are there, so "hidden" below cannot pass for a renamed element.
    for element in (title, site_nav, pager):
        expect(element).to_be_visible()

    page.emulate_media(media="print")

    expect(title).to_be_visible()
    expect(site_nav).to_be_hidden()
    expect(pager).to_be_hidden()
