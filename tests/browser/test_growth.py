"""Passing the book on and the newsletter, in a real Chromium on a phone and a desktop:
a member invites a friend by e-mail with a dedication, the friend accepts from the mail
and finds the dedication on their card; a curator sends an issue to one chapter's
followers, and it arrives once each."""

import io
import re
from collections import Counter
from urllib.parse import urlsplit

from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from members.models import Membership
from newsletter.audience import audience_of
from newsletter.models import Issue
from tests.factories import ChapterFollowFactory, MembershipFactory

from .accounts import verified_account
from .test_layout import _log_in as log_in_by_cookie
from .test_membership import sign_up_and_verify

ACCEPT_LINK = re.compile(r"https?://\S+/uitnodiging/\S+/")
DEDICATION = "Voor Sam: lees hoofdstuk 2, daar moest ik aan jou denken."


def test_a_friend_accepts_an_emailed_invitation_and_keeps_the_dedication(
    page, browser, live_server, demo_book, axe_check, viewport
):
    inviter = verified_account(f"doorgever.{viewport}@example.org")
    log_in_by_cookie(page, live_server, inviter)
    page.goto("/mijn-exemplaar/")
    page.get_by_label(re.compile("^Zijn of haar e-mailadres")).fill(f"sam.{viewport}@example.net")
    page.get_by_label(re.compile("^Een persoonlijke opdracht")).fill(DEDICATION)
    page.get_by_role("button", name="Maak een uitnodiging").click()
    expect(page.get_by_text(re.compile(r"Je uitnodiging gaat naar sam\."))).to_be_visible()
    axe_check(page)

    (message,) = [m for m in mail.outbox if f"sam.{viewport}@example.net" in m.to]
    accept_path = urlsplit(ACCEPT_LINK.search(message.body).group(0)).path
    mail.outbox.clear()  # the sign-up below looks for its one mail to that address
    friend = browser.new_context(viewport=page.viewport_size, locale="nl-NL")
    try:
        other = friend.new_page()
        other.goto(f"{live_server.url}{accept_path}")
        expect(other.locator("blockquote.dedication")).to_contain_text(DEDICATION)
        axe_check(other)
        other.get_by_role("link", name="Account aanmaken").click()
        sign_up_and_verify(other, axe_check, f"sam.{viewport}@example.net")
        other.get_by_role("button", name="Neem het boek aan").click()
        membership = Membership.objects.get(user__email=f"sam.{viewport}@example.net")
        expect(other.get_by_role("heading", level=1)).to_have_text(
            f"Welkom, lid nr. {membership.number}"
        )
        assert membership.invitation.created_by.user == inviter
        other.goto(f"{live_server.url}/mijn-exemplaar/kaart/")
        expect(other.locator(".member-card__passed-on")).to_contain_text(DEDICATION)
        axe_check(other)
    finally:
        friend.close()

    page.goto("/mijn-exemplaar/doorgeefketen/")
    expect(page.locator("table.chain-table tbody tr")).to_have_count(1)
    axe_check(page)


def test_a_curator_sends_an_issue_to_a_chapters_followers_and_it_arrives_once(
    page, live_server, demo_book, curator_account, axe_check, viewport
):
    chapter = demo_book[0]
    for number in range(2):
        follower = verified_account(f"volger{number}.{viewport}@example.org")
        ChapterFollowFactory(membership=follower.membership, chapter=chapter)
    log_in_by_cookie(page, live_server, curator_account)
    page.goto("/redactie/nieuws/nieuw/")
    axe_check(page)
    page.get_by_label("Titel").fill("Nieuws voor de volgers")
    page.get_by_label(re.compile("^Tekst")).fill(
        "Nieuw bij dit hoofdstuk.\n\n:::leden\nAlleen voor leden.\n:::\n"
    )
    page.get_by_label("Voor wie").select_option(label="Wie een hoofdstuk volgt")
    page.get_by_label(re.compile("^Hoofdstuk")).select_option(value=str(chapter.pk))
    page.get_by_role("button", name="Voorbeeld").click()
    expect(page.locator("section.preview .members-part")).to_contain_text("Alleen voor leden.")
    axe_check(page)
    page.get_by_role("button", name="Inplannen").click()
    expect(page.get_by_text("Het nummer is ingepland en gaat vanzelf weg.")).to_be_visible()

    issue = Issue.objects.get(title="Nieuws voor de volgers")
    expected = {membership.user.email for membership in audience_of(issue)}
    mail.outbox.clear()
    call_command("send_newsletters", stdout=io.StringIO())
    call_command("send_newsletters", stdout=io.StringIO())
    received = Counter(m.to[0] for m in mail.outbox if "Nieuws voor de volgers" in m.subject)
    assert received == Counter(dict.fromkeys(expected, 1))
    assert f"volger0.{viewport}@example.org" in expected

    page.goto("/nieuws/")
    page.get_by_role("link", name="Nieuws voor de volgers").click()
    expect(page.get_by_text("Nieuw bij dit hoofdstuk.")).to_be_visible()
    axe_check(page)


def test_a_long_chain_is_drawn_in_part_and_counts_the_rest_with_a_way_to_the_table(
    page, live_server, axe_check, viewport
):
    owner = verified_account(f"keten.{viewport}@example.org")
    first = [MembershipFactory(invited_by=owner.membership, how="invitation") for _ in range(6)]
    for parent in first[:2]:
        MembershipFactory.create_batch(5, invited_by=parent, how="invitation")
    log_in_by_cookie(page, live_server, owner)
    page.goto("/mijn-exemplaar/doorgeefketen/")
    expect(page.locator("table.chain-table tbody tr")).to_have_count(16)
    more = page.locator("svg .tree__row--more")
    counts = [int(count) for count in more.evaluate_all("rows => rows.map(r => r.dataset.count)")]
    drawn = page.locator("svg .tree__row--copy").count()
    assert drawn + sum(counts) == 16 and counts
    axe_check(page)
    page.locator(".chain-tree__note").get_by_role("link").click()
    expect(page).to_have_url(re.compile("#keten-tabel$"))
