"""The curators' journey: log in through the real login form, read the statistics,
make an edition (choose a featured story, publish it), and a reader opening it; and
the printed edition as a PDF."""

import re

from playwright.sync_api import expect

from editions.models import Edition
from editions.services import edition_create, edition_publish
from stories.models import Status
from tests.browser.accounts import log_in, next_number
from tests.factories import MembershipFactory, StoryFactory

PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def test_curator_reads_statistics_publishes_an_edition_and_a_reader_opens_it(
    page, browser, demo_book, curator_account, axe_check, screenshot
):
    story = StoryFactory(
        chapter=demo_book[0],
        author=MembershipFactory(number=next_number()),
        title="Het buurtbudget van Zwolle",
        status=Status.FEATURED,
    )
    log_in(page, curator_account)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Redactie").click()
    page.get_by_role("link", name="Statistieken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistieken")
    expect(page.get_by_role("img", name=re.compile(r"^Leden per maand"))).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Nieuwe leden per maand, per route"))
    ).to_be_visible()
    expect(page.get_by_role("table", name="Leerverhalen per hoofdstuk")).to_be_visible()
    axe_check(page)
    screenshot(page, "statistics")

    page.get_by_role("link", name="Redactie").first.click()
    page.get_by_role("link", name="Edities").click()
    page.get_by_label("Naam van de editie").fill("Tussenstand 2027")
    page.get_by_role("button", name="Editie aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tussenstand 2027")
    axe_check(page)
    page.get_by_label(story.title).check()
    page.get_by_role("button", name="Keuze bewaren").click()
    expect(page.get_by_label(story.title)).to_be_checked()
    page.get_by_role("link", name="Tussenstand 2027 publiceren").click()
    expect(page.get_by_text("Weet je het zeker? Dit kan niet ongedaan worden.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Ja, publiceren").click()

    edition = Edition.objects.get(label="Tussenstand 2027")
    assert edition.is_published
    expect(page).to_have_url(re.compile(re.escape(edition.get_absolute_url()) + "$"))

    # A reader without an account opens the edition.
    reader = browser.new_context(base_url=page.url.split("/editie/")[0], locale="nl-NL")
    reader_page = reader.new_page()
    reader_page.goto(edition.get_absolute_url())
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(edition.title)
    toc = reader_page.get_by_role("region", name="Inhoudsopgave")
    expect(toc.get_by_role("listitem")).to_have_count(len(demo_book))
    axe_check(reader_page)
    screenshot(reader_page, "edition")
    toc.get_by_role("link", name=re.compile(re.escape(demo_book[0].title))).click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(demo_book[0].title)
    if demo_book[0].is_open:
        expect(reader_page.get_by_role("heading", name=story.title)).to_be_visible()
    reader.close()


def test_the_printed_edition_has_a_page_per_chapter_at_least(page, demo_book, curator_account):
    edition = edition_publish(
        edition=edition_create(label="Tussenstand 2027", curator=curator_account),
        curator=curator_account,
    )
    log_in(page, curator_account)
    page.goto(f"/editie/{edition.slug}/afdrukken/")
    expect(page.get_by_role("heading", level=1)).to_have_text(edition.title)
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = len(PDF_PAGE.findall(pdf))
    assert pages > len(demo_book), pages
