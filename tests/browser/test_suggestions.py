"""A member selects a passage in a chapter and makes a suggestion with it; another
member sees it differently; a curator answers it partly on the board; the author finds
the answer in "Mijn voorstellen". On a phone and on a desktop, axe clean."""

import re

from playwright.sync_api import expect

from book.models import Access
from tests.browser.accounts import verified_account

# Signs in by session cookie: the phone's header folds the menu that log_in reads.
from tests.browser.test_viewports import _log_in


def test_a_suggestion_from_a_selected_passage_to_the_curators_answer(
    page, viewport, live_server, demo_book, axe_check, curator_account
):
    chapter = next(c for c in demo_book if c.access == Access.OPEN and c.sections)
    section = chapter.sections[0]
    author = verified_account(f"voorsteller-{viewport}@example.org")
    other = verified_account(f"andersdenker-{viewport}@example.org")
    _log_in(page, live_server, author)
    page.goto(chapter.get_absolute_url())
    # Select the first paragraph under the first section heading, as a reader would.
    paragraph = page.locator(f".chapter__body h2#{section['id']} + p")
    selected = " ".join(paragraph.inner_text().split())
    paragraph.evaluate(
        """(p) => {
            const range = document.createRange();
            range.selectNodeContents(p);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    link = page.get_by_role("link", name="Doe een voorstel")
    expect(link).to_have_attribute("href", re.compile(r"citaat="))
    link.click()
    expect(page.get_by_label("Bij welke paragraaf?")).to_have_value(section["id"])
    quote = page.get_by_label("Geciteerde passage (niet verplicht)")
    assert " ".join(quote.input_value().split()) == selected
    axe_check(page)
    page.get_by_label("Herschrijving", exact=True).check()
    page.get_by_label("Voorgestelde tekst (bij een herschrijving)").fill("Korter gezegd.")
    page.get_by_label("Toelichting").fill("Zo leest het **beter**.")
    page.get_by_role("button", name="Voorstel versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Dank je wel")
    suggestion_url = page.url
    axe_check(page)

    # A curator approves it (a new member's suggestion waits), and answers it later.
    _log_in(page, live_server, curator_account)
    page.goto("/redactie/voorstellen/")
    page.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_role("status")).to_contain_text("Je besluit is bewaard.")

    _log_in(page, live_server, other)
    page.goto(suggestion_url)
    page.get_by_label("Ik zie het anders", exact=True).check()
    page.get_by_label("Waarom zie je het anders?").fill("De oude zin zei meer.")
    page.get_by_role("button", name="Reageer").click()
    expect(page.locator(".suggestion-response")).to_contain_text("De oude zin zei meer.")
    axe_check(page)

    _log_in(page, live_server, curator_account)
    page.goto("/redactie/voorstellen/")
    axe_check(page)
    item = page.locator(".curation-item", has_text="Zo leest het beter.")
    item.get_by_label("Status").select_option("deels")
    item.get_by_label("Antwoord (voor iedereen te lezen)").fill("De kern is overgenomen.")
    item.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("status")).to_contain_text("De status van het voorstel is bewaard.")

    _log_in(page, live_server, author)
    page.goto("/voorstellen/mijn/")
    expect(page.locator(".my-suggestions__item").first).to_contain_text("Deels overgenomen")
    expect(page.locator(".my-suggestions__answer")).to_contain_text("De kern is overgenomen.")
    axe_check(page)
