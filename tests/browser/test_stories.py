"""The learning stories' journey: a member writes a story with a photo, previews and
submits it; a curator approves it in the admin; another member finds it, finds it
"Herkenbaar" (in place, without a page load) and replies; the author hears of both by
e-mail. The live server runs in this process, so the e-mails are in Django's outbox."""

import io
import re

from django.core import mail
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from stories.models import Status, Story
from tests.browser.accounts import log_in, verified_account

TITLE = "Een bankje bij de bibliotheek"


def logged_in_page(browser, base_url, user):
    context = browser.new_context(base_url=base_url, locale="nl-NL")
    page = context.new_page()
    log_in(page, user)
    return page


def jpeg() -> dict:
    """A small drawn photo: a bench on the grass under a pale sky."""
    image = Image.new("RGB", (640, 480), (214, 228, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(111, 150, 96))
    draw.rectangle((170, 230, 470, 250), fill=(122, 84, 52))  # seat
    draw.rectangle((170, 180, 470, 200), fill=(122, 84, 52))  # back
    for x in (190, 440):
        draw.rectangle((x, 180, x + 12, 320), fill=(64, 64, 64))  # legs
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return {"name": "bankje.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_story_is_written_approved_recognised_and_answered(
    browser, live_server, demo_book, axe_check, screenshot
):
    chapter = demo_book[0]
    author = verified_account("schrijver@example.org")
    reader = verified_account("lezer@example.org")
    curator = verified_account("curator.verhalen@example.org", curator=True)

    # The author writes, with a photo, and looks at the preview first.
    page = logged_in_page(browser, live_server.url, author)
    page.goto(f"{chapter.get_absolute_url()}#verhalen")
    page.get_by_role("link", name="Schrijf je leerverhaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schrijf je leerverhaal")
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Je verhaal").fill(
        "We vroegen de gemeente om een **bankje**. Na drie gesprekken stond het er."
    )
    page.get_by_label("Foto (niet verplicht)").set_input_files(jpeg())
    page.get_by_label("Wat staat er op de foto?").fill("Een groen bankje voor de bibliotheek")
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    preview = page.get_by_role("region", name="Voorbeeld")
    expect(preview.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("bankje")
    # The photo came along: it is in the preview with its description, and stays
    # chosen without being chosen again.
    expect(preview.get_by_role("img", name="Een groen bankje voor de bibliotheek")).to_be_visible()
    assert preview.get_by_role("img").evaluate("img => img.naturalWidth") == 640
    axe_check(page)
    screenshot(page, "write-story")
    page.get_by_role("button", name="Plaats mijn verhaal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Status: Wacht op een curator.")).to_be_visible()
    story = Story.objects.get(title=TITLE)
    assert story.status == Status.PENDING and story.photo
    assert story.photo_alt == "Een groen bankje voor de bibliotheek"

    # A curator approves it with the admin action.
    curator_page = logged_in_page(browser, live_server.url, curator)
    curator_page.goto("/admin/stories/story/?status__exact=pending")
    curator_page.locator(f'input[name="_selected_action"][value="{story.pk}"]').check()
    curator_page.locator('select[name="action"]').select_option("approve")
    curator_page.locator('button[name="index"]').click()
    expect(curator_page.locator(".messagelist")).to_contain_text("1")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    (approved,) = [m for m in mail.outbox if m.to == [author.email]]
    assert TITLE in approved.subject and "in het boek gezet" in approved.body
    assert approved.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Another member finds it among the latest stories, recognises it and replies.
    reader_page = logged_in_page(browser, live_server.url, reader)
    reader_page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verhalen"
    ).click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text("Nieuwste verhalen")
    axe_check(reader_page)
    reader_page.get_by_role("link", name=TITLE).first.click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(
        reader_page.get_by_role("img", name="Een groen bankje voor de bibliotheek")
    ).to_be_visible()

    recognisable = reader_page.get_by_role("button", name=re.compile("^Herkenbaar"))
    expect(recognisable).to_have_attribute("aria-pressed", "false")
    reader_page.evaluate("window.samePage = true")
    recognisable.click()
    expect(recognisable).to_have_attribute("aria-pressed", "true")
    expect(recognisable.locator("[data-count]")).to_have_text("1")
    assert reader_page.evaluate("window.samePage === true"), "the page was loaded again"

    reader_page.get_by_label("Je reactie").fill("Herkenbaar! Bij ons duurde het een jaar.")
    reader_page.get_by_role("button", name="Reageer").click()
    replies = reader_page.get_by_role("region", name="Reacties")
    expect(replies).to_contain_text("Bij ons duurde het een jaar.")
    axe_check(reader_page)
    reader_page.goto(story.get_absolute_url())  # the top of the page, for the picture
    screenshot(reader_page, "story")

    # The search box in the header finds it too, with the word marked.
    reader_page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Zoeken"
    ).click()
    reader_page.get_by_label("Zoek in het boek en de verhalen").fill("bankje")
    reader_page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    result = reader_page.get_by_role("listitem").filter(has_text=TITLE)
    expect(result.locator("mark").first).to_have_text("bankje")
    axe_check(reader_page)

    to_author = [m for m in mail.outbox if m.to == [author.email]]
    assert len(to_author) == 2
    assert "Nieuwe reactie" in to_author[1].subject
    assert "Bij ons duurde het een jaar." in to_author[1].body
    assert not [m for m in mail.outbox if m.to == [reader.email]]
