"""The introductions' journey, on a phone and on a desktop: two members switch
introductions on, a round runs, both say yes from the page their e-mail's link opens,
each sees the other's address, and they exchange a message in their thread. Every page
of the bureau passes axe on the way, the curators' pages too."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from introductions.models import Introduction, Message
from introductions.moderation import introduction_report
from introductions.services import round_run
from tests.browser.accounts import log_in, verified_account
from tests.browser.conftest import VIEWPORTS
from tests.factories import ProfileFactory, ThemeFactory


def logged_in_page(browser, base_url, user, screen):
    """Logged in through the real form (at a desktop's width, where the main menu is
    open), then seen on `screen`."""
    context = browser.new_context(base_url=base_url, locale="nl-NL", **VIEWPORTS["desktop"])
    page = context.new_page()
    log_in(page, user)
    page.set_viewport_size(VIEWPORTS[screen]["viewport"])
    return page


def opt_in(page, *, knows: str = "", seeks: str = "") -> None:
    page.goto("/kennismakingen/instellingen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennismakingen")
    page.get_by_label(re.compile("^Ja, stel mij voor")).check()
    if knows:
        page.get_by_role("group", name="Hier weet ik iets van").get_by_label(knows).check()
    if seeks:
        page.get_by_role("group", name="Hier zoek ik iemand voor").get_by_label(seeks).check()
    page.get_by_label("Een vraag waar ik mee zit (niet verplicht)").fill(
        "Hoe krijgen we de buurt aan tafel?"
    )
    page.get_by_role("button", name="Voorkeuren bewaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn kennismakingen")


def answer_link(email: str) -> str:
    (sent,) = [m for m in mail.outbox if m.to == [email] and "/kennismakingen/antwoord/" in m.body]
    return re.search(r"https?://[^/\s]+(/kennismakingen/antwoord/\S+/)", sent.body)[1]


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_two_members_are_introduced_say_yes_and_write_to_each_other(
    browser, live_server, demo_book, axe_check, screen
):
    ThemeFactory(name="Groen in de wijk", slug="groen")
    ThemeFactory(name="Geld", slug="geld")
    anouk = verified_account("anouk.kennismaking@example.org")
    bram = verified_account("bram.kennismaking@example.org")
    ProfileFactory(membership=anouk.membership, display_name="Anouk", role="resident")
    ProfileFactory(membership=bram.membership, display_name="Bram", role="government")

    # Both switch introductions on: Anouk knows about green spaces, Bram looks for that.
    anouk_page = logged_in_page(browser, live_server.url, anouk, screen)
    anouk_page.goto("/kennismakingen/instellingen/")
    axe_check(anouk_page)
    opt_in(anouk_page, knows="Groen in de wijk")
    axe_check(anouk_page)
    bram_page = logged_in_page(browser, live_server.url, bram, screen)
    opt_in(bram_page, seeks="Groen in de wijk")
    bram_page.goto("/kennismakingen/wie-doet-mee/")
    expect(bram_page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(bram_page)

    # The weekly round introduces them; each gets an e-mail with a link to answer.
    mail.outbox.clear()
    round_run(seed=1)  # the demo's members were introduced just now: they sit this out
    introduction = Introduction.objects.of(anouk.membership).get()
    assert introduction.other(anouk.membership) == bram.membership

    # Both answer from the page their link opens (opening it answers nothing).
    for page, user in ((anouk_page, anouk), (bram_page, bram)):
        page.goto(answer_link(user.email))
        other = "Bram" if user == anouk else "Anouk"
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Kennismaking met {other}")
        axe_check(page)
        page.get_by_role("button", name="Ja, graag").click()
    expect(bram_page.get_by_text(anouk.email)).to_be_visible()
    introduction.refresh_from_db()
    assert introduction.accepted

    # Each sees the other's address on the introduction's page.
    anouk_page.goto(f"/kennismakingen/{introduction.pk}/")
    expect(anouk_page.get_by_role("link", name=bram.email)).to_be_visible()
    axe_check(anouk_page)

    # They write to each other in their thread.
    anouk_page.get_by_role("link", name="Gesprek met Bram").click()
    expect(anouk_page.get_by_role("heading", level=1)).to_have_text("Gesprek met Bram")
    axe_check(anouk_page)
    anouk_page.get_by_label("Je bericht").fill("Hoi Bram! Zullen we **dinsdag** koffie drinken?")
    anouk_page.get_by_role("button", name="Versturen").click()
    expect(anouk_page.locator(".thread__body strong")).to_have_text("dinsdag")
    bram_page.goto(f"/kennismakingen/{introduction.pk}/gesprek/")
    thread = bram_page.get_by_role("list", name="Berichten")
    expect(thread).to_contain_text("Zullen we dinsdag koffie drinken?")
    bram_page.get_by_label("Je bericht").fill("Graag, om tien uur bij het stadhuis.")
    bram_page.get_by_role("button", name="Versturen").click()
    expect(thread).to_contain_text("om tien uur")
    axe_check(bram_page)
    assert Message.objects.filter(introduction=introduction).count() == 2
    assert any(m.to == [bram.email] and "Een bericht van Anouk" in m.subject for m in mail.outbox)

    # My introductions, and the stop page of a message e-mail's link.
    anouk_page.goto("/kennismakingen/")
    expect(anouk_page.get_by_role("link", name="Bram")).to_be_visible()
    axe_check(anouk_page)
    (sent,) = [m for m in mail.outbox if m.to == [bram.email] and "Een bericht" in m.subject]
    stop = re.search(r"https?://[^/\s]+(/kennismakingen/berichten-afmelden/\S+/)", sent.body)[1]
    bram_page.goto(stop)
    expect(bram_page.get_by_role("heading", level=1)).to_have_text(
        "Geen e-mail meer bij nieuwe berichten?"
    )
    axe_check(bram_page)
    bram_page.get_by_role("button", name="Ja, stuur me geen e-mail meer bij berichten").click()
    expect(bram_page.get_by_role("heading", level=1)).to_have_text("Geen e-mail meer bij berichten")
    axe_check(bram_page)

    # "Stel mij voor aan ...", a link that does not work, and switching off altogether.
    bram_page.goto(f"/kennismakingen/vraag/{anouk.membership.number}/")
    expect(bram_page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(bram_page)
    bram_page.goto("/kennismakingen/antwoord/geen-geldige-link/")
    axe_check(bram_page)
    introduced = next(m for m in mail.outbox if m.to == [bram.email] and "/antwoord/" in m.body)
    rounds = re.search(r"https?://[^/\s]+(/kennismakingen/afmelden/\S+/)", introduced.body)[1]
    bram_page.goto(rounds)
    axe_check(bram_page)
    bram_page.get_by_role("button", name="Ja, stel mij niet meer voor").click()
    expect(bram_page.get_by_role("heading", level=1)).to_have_text("Je doet niet meer mee")
    axe_check(bram_page)


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_curators_pages_of_the_bureau_pass_axe(
    browser, live_server, demo_book, axe_check, curator_account, screen
):
    anouk = verified_account("anouk.gemeld@example.org")
    bram = verified_account("bram.gemeld@example.org")
    first, second = sorted((anouk.membership, bram.membership), key=lambda m: m.pk)
    introduction = Introduction.objects.create(
        origin="curator", first=first, second=second, first_answer="yes", second_answer="yes"
    )
    introduction_report(introduction=introduction, membership=first)
    page = logged_in_page(browser, live_server.url, curator_account, screen)
    page.goto("/redactie/kennismakingen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kennismakingen")
    axe_check(page)
    page.get_by_role("link", name="Naar de moderatie").click()
    item = page.locator("article.moderation-item")
    expect(item).to_have_count(1)
    axe_check(page)
    item.get_by_role("button", name="Melding afwijzen: weer laten meedoen").click()
    expect(page.locator("article.moderation-item")).to_have_count(0)
    page.goto("/redactie/logboek/")
    newest = page.locator("table.moderation-log tbody tr").first
    expect(newest).to_contain_text("Meldingen afgewezen")
    expect(newest).to_contain_text("Kennismaking")
    axe_check(page)
