"""A member selects a passage in a chapter and makes a suggestion with it; another
member sees it differently; a curator edits the chapter, answers the suggestion partly
on the board with the version that took it up and publishes an edition; the author
finds the answer in "Mijn voorstellen" and their credit in the edition's "Wat is er
veranderd". On a phone and on a desktop, axe clean."""

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

    # The curator rewrites the passage in the chapter: a new version of its text.
    _log_in(page, live_server, curator_account)
    page.goto(f"/redactie/hoofdstukken/{chapter.slug}/")
    text = page.get_by_label("Tekst (Markdown)")
    text.fill(text.input_value() + "\n\nKorter gezegd.\n")
    page.get_by_label("Wat veranderde je, en waarom?").fill("Een herschrijving deels overgenomen.")
    page.get_by_role("button", name="Bewaar als nieuwe versie").click()
    expect(page.get_by_role("status")).to_be_visible()
    axe_check(page)

    page.goto("/redactie/voorstellen/")
    axe_check(page)
    item = page.locator(".curation-item", has_text="Zo leest het beter.")
    item.get_by_label("Status").select_option("deels")
    item.get_by_label("Overgenomen in versie").select_option(index=1)
    item.get_by_label("Antwoord (voor iedereen te lezen)").fill("De kern is overgenomen.")
    item.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("status")).to_contain_text("De status van het voorstel is bewaard.")

    # The next tussenstand says what changed, and whose suggestion it took up.
    page.goto("/redactie/edities/")
    page.get_by_label("Naam van de editie").fill("Tussenstand 2027")
    page.get_by_role("button", name="Editie aanmaken").click()
    page.get_by_role("link", name="Tussenstand 2027 publiceren").click()
    page.get_by_role("button", name="Ja, publiceren").click()
    expect(page).to_have_url(re.compile(r"/editie/tussenstand-2027/$"))
    edition_url = page.url

    _log_in(page, live_server, author)
    page.goto("/voorstellen/mijn/")
    expect(page.locator(".my-suggestions__item").first).to_contain_text("Deels overgenomen")
    expect(page.locator(".my-suggestions__answer")).to_contain_text("De kern is overgenomen.")
    axe_check(page)
    page.goto(edition_url)
    credit = page.locator(".edition-changes__taken-up li")
    expect(credit).to_have_count(1)
    expect(credit).to_contain_text("Herschrijving")
    expect(credit).to_contain_text("deels overgenomen")
    expect(credit).to_contain_text(f"lid nr. {author.membership.number}")
    axe_check(page)
