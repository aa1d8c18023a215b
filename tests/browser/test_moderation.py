"""A curator's moderation round: log in through the real login form, open the queue
from the header, approve one story and hide another with a reason, and find both
decisions in the log."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from core.images import process_photo
from stories import writing
from stories.models import ModerationAction, Status, Story
from tests.browser.accounts import log_in, next_number
from tests.factories import MembershipFactory, StoryFactory


def _waiting_story(chapter, title, days_ago):
    """A story waiting for a curator since long ago, so it is on the queue's first page
    whatever the demo data holds."""
    return StoryFactory(
        chapter=chapter,
        author=MembershipFactory(number=next_number()),
        title=title,
        status=Status.PENDING,
        published_at=None,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_curator_approves_and_hides_in_the_queue_and_finds_both_in_the_log(
    page, demo_book, curator_account, axe_check, screenshot
):
    garden = _waiting_story(demo_book[0], "Een moestuin op het plein", 60)
    advert = _waiting_story(demo_book[1], "Koop nu bij ons", 59)

    log_in(page, curator_account)
    header = page.get_by_role("navigation", name="Hoofdmenu")

    header.get_by_role("link", name="Redactie").click()
    page.get_by_role("link", name="Moderatie: wat op een curator wacht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderatie")
    garden_card = page.get_by_role("article", name=garden.title)
    expect(garden_card).to_contain_text(demo_book[0].title)
    expect(garden_card).to_contain_text(f"Lid nr. {garden.author.number}")
    axe_check(page)
    screenshot(page, "moderation")

    garden_card.get_by_role("button", name="Goedkeuren").click()
    expect(page.get_by_role("status")).to_contain_text("Goedgekeurd: Een moestuin op het plein")
    expect(page.get_by_role("article", name=garden.title)).to_have_count(0)

    advert_card = page.get_by_role("article", name=advert.title)
    advert_card.get_by_label("Reden om te verbergen").fill("Reclame voor een winkel")
    advert_card.get_by_role("button", name="Verbergen").click()
    expect(page.get_by_role("status")).to_contain_text("Verborgen: Koop nu bij ons")

    assert Story.objects.get(pk=garden.pk).status == Status.PUBLISHED
    hidden = Story.objects.get(pk=advert.pk)
    assert (hidden.status, hidden.hidden_reason) == (Status.HIDDEN, "Reclame voor een winkel")

    page.get_by_role("navigation", name="Moderatie").get_by_role("link", name="Logboek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logboek van de moderatie")
    log = page.get_by_role("table")
    approved_row = log.get_by_role("row").filter(has_text="Een moestuin op het plein")
    expect(approved_row).to_contain_text("Goedgekeurd")
    expect(approved_row).to_contain_text(curator_account.email)
    hidden_row = log.get_by_role("row").filter(has_text="Koop nu bij ons")
    expect(hidden_row).to_contain_text("Verborgen")
    expect(hidden_row).to_contain_text("Reclame voor een winkel")
    axe_check(page)

    page.get_by_label("Handeling").select_option("hide")
    page.get_by_role("button", name="Toon").click()
    expect(log.get_by_role("row").filter(has_text="Koop nu bij ons")).to_have_count(1)
    expect(log.get_by_role("row").filter(has_text="Een moestuin op het plein")).to_have_count(0)
    assert ModerationAction.objects.filter(curator=curator_account).count() == 2


def test_curator_sees_an_edit_of_a_featured_story_as_a_diff_with_its_photo_and_rejects_it(
    page, demo_book, curator_account, axe_check
):
    author = MembershipFactory(number=next_number())
    story = StoryFactory(
        chapter=demo_book[0],
        author=author,
        title="Het bankje op het plein",
        body="We zetten een bankje neer.\n\nDe buren kwamen kijken.",
        status=Status.FEATURED,
        created_at=timezone.now() - timedelta(days=90),
    )
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (60, 140, 90)).save(buffer, "JPEG")
    writing.story_update(
        story=story,
        editor=author.user,
        title="Koop nu: bankjes",
        body="We verkopen bankjes.\n\nDe buren kwamen kijken.",
        photo=process_photo(SimpleUploadedFile("b.jpg", buffer.getvalue())),
        photo_alt="Een bankje met een prijskaartje",
    )

    log_in(page, curator_account)
    page.goto(reverse("stories:moderation_queue"))
    card = page.get_by_role("article", name="Het bankje op het plein")
    expect(card).to_contain_text("bewerkt")
    expect(card.locator("del").first).to_contain_text("Het bankje op het plein")
    expect(card.locator("ins").first).to_contain_text("Koop nu: bankjes")
    photo = card.get_by_role("img", name="Een bankje met een prijskaartje")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    axe_check(page)

    card.get_by_label("Reden om de bewerking af te wijzen").fill("Reclame")
    card.get_by_role("button", name="Bewerking afwijzen").click()
    expect(page.get_by_role("status")).to_contain_text("Bewerking afgewezen")
    story.refresh_from_db()
    assert (story.title, story.status) == ("Het bankje op het plein", Status.FEATURED)
    assert not story.photo
