"""Edits are moderated like first posts: an edit of a featured story, or by an author no
other approved story vouches for, waits for a curator as a StoryRevision while readers
keep the published version; the queue shows it as "bewerkt" with a diff (escaped) and
any photo with its description; approving puts it in the book, rejecting keeps the
published version; the author hears of both."""

import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from community.privacy import STORIES_KEEP, account_delete
from core.markdown import ALLOWED_TAGS
from stories.models import ModerationAction, RevisionStatus, Status, Story, StoryRevision
from tests.book.test_markdown import XSS_PAYLOADS
from tests.community.test_privacy import download
from tests.factories import MembershipFactory, StoryFactory
from tests.inert import assert_inert
from tests.stories.test_moderation import QUEUE_TAGS, _queue_region

pytestmark = pytest.mark.django_db

QUEUE = "stories:moderation_queue"
DECIDE = "stories:moderation_decide"
OLD_BODY = "Eerste alinea.\n\nWe zetten een **bankje** neer.\n\nLaatste alinea."


@pytest.fixture
def curator_client(curator):
    browser = Client()
    browser.force_login(curator)
    return browser


@pytest.fixture
def author_client(story):
    browser = Client()
    browser.force_login(story.author.user)
    return browser


@pytest.fixture
def story(open_chapter):
    """A published story, its author's only one."""
    return StoryFactory(chapter=open_chapter, title="Het bankje", body=OLD_BODY)


def _jpeg(colour=(40, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("nieuw.jpg", buffer.getvalue(), content_type="image/jpeg")


def _edit(browser, story, follow=False, **data):
    form = {
        "title": story.title,
        "body": story.body,
        "municipality": story.municipality,
        "photo_alt": story.photo_alt,
        "submission_key": str(story.submission_key),
        "action": "save",
        **data,
    }
    return browser.post(reverse("stories:edit", args=[story.pk]), form, follow=follow)


def _decide(browser, story, action, reason=""):
    return browser.post(
        reverse(DECIDE), {"target": f"story:{story.pk}", "action": action, "reason": reason}
    )


def _reader_sees(story) -> str:
    return Client().get(story.get_absolute_url()).content.decode()


# ---- Which edits wait -------------------------------------------------------------------


def test_an_edit_no_other_approved_story_vouches_for_waits_readers_keep_the_published_one(
    author_client, curator_client, story
):
    response = _edit(author_client, story, follow=True, title="Koop nu", body="Spam spam")

    assert "Je bewerking wacht op een curator." in response.content.decode()
    story.refresh_from_db()
    assert (story.title, story.body, story.status) == ("Het bankje", OLD_BODY, Status.PUBLISHED)
    assert not story.edited
    html = _reader_sees(story)
    assert "Het bankje" in html and "Koop nu" not in html and "Spam spam" not in html
    revision = StoryRevision.objects.pending().get(story=story)
    assert (revision.title, revision.body) == ("Koop nu", "Spam spam")
    queue = curator_client.get(reverse(QUEUE)).content.decode()
    assert f'value="story:{story.pk}"' in queue
    assert '<span class="badge badge--edited">bewerkt</span>' in queue


def test_any_edit_of_a_featured_story_waits_even_from_a_trusted_author(
    author_client, story, open_chapter
):
    StoryFactory(chapter=open_chapter, author=story.author)
    Story.objects.filter(pk=story.pk).update(status=Status.FEATURED)
    _edit(author_client, story, body="Nu met reclame")
    story.refresh_from_db()
    assert story.body == OLD_BODY and story.status == Status.FEATURED
    assert StoryRevision.objects.pending().get(story=story).body == "Nu met reclame"


def test_a_trusted_authors_edit_of_a_published_story_is_published_at_once(
    author_client, story, open_chapter
):
    StoryFactory(chapter=open_chapter, author=story.author)
    _edit(author_client, story, body="Beter verwoord")
    story.refresh_from_db()
    assert story.body == "Beter verwoord" and story.edited
    assert not StoryRevision.objects.exists()
    assert "Beter verwoord" in _reader_sees(story)


def test_a_curators_edit_of_their_own_featured_story_is_published_at_once(curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, author=curator.membership, status=Status.FEATURED)
    browser = Client()
    browser.force_login(curator)
    _edit(browser, story, body="Door de redactie")
    story.refresh_from_db()
    assert story.body == "Door de redactie" and not StoryRevision.objects.exists()


def test_in_pre_mode_every_edit_waits_and_the_story_stays_published(
    settings, author_client, story, open_chapter
):
    settings.STORIES_MODERATION = "pre"
    StoryFactory(chapter=open_chapter, author=story.author)
    _edit(author_client, story, body="Anders")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.body == OLD_BODY
    assert StoryRevision.objects.pending().filter(story=story).exists()


def test_editing_again_replaces_the_waiting_edit_and_the_form_starts_from_it(author_client, story):
    _edit(author_client, story, body="Eerste poging")
    form = author_client.get(reverse("stories:edit", args=[story.pk])).content.decode()
    assert "Eerste poging" in form
    _edit(author_client, story, body="Tweede poging")
    assert StoryRevision.objects.get().body == "Tweede poging"


# ---- What the queue shows ------------------------------------------------------------


def test_the_queue_shows_an_edit_as_a_diff(author_client, curator_client, story):
    new_body = OLD_BODY.replace("een **bankje**", "twee **bankjes**")
    _edit(author_client, story, title="De bankjes", body=new_body)

    html = curator_client.get(reverse(QUEUE)).content.decode()

    assert "Bewerkt: dit verandert" in html
    assert '<del><span class="visually-hidden">weg: </span>Het bankje</del>' in html
    assert '<ins><span class="visually-hidden">nieuw: </span>De bankjes</ins>' in html
    assert (
        '<del><span class="visually-hidden">weg: </span>We zetten een **bankje** neer.</del>'
        in html
    )
    assert (
        '<ins><span class="visually-hidden">nieuw: </span>We zetten twee **bankjes** neer.</ins>'
        in html
    )
    assert '<li class="moderation-diff__same">Eerste alinea.</li>' in html
    # The published text is what the card shows above the diff.
    assert "<strong>bankje</strong>" in html and "<strong>bankjes</strong>" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_in_an_edit_are_escaped_in_the_diff(author_client, curator_client, story, payload):
    _edit(author_client, story, title=f"Titel {payload}"[:200], body=f"{OLD_BODY}\n\n{payload}")
    html = curator_client.get(reverse(QUEUE)).content.decode()
    tags = set(ALLOWED_TAGS) | QUEUE_TAGS | {"del", "ins"}
    assert_inert(_queue_region(html), allowed_tags=tags)
    assert escape(payload.splitlines()[0]) in html


def test_the_queue_shows_photos_with_their_description(curator_client, open_chapter):
    author = MembershipFactory()
    browser = Client()
    browser.force_login(author.user)
    browser.post(
        reverse("stories:create", args=[open_chapter.slug]),
        {
            "title": "Met foto",
            "body": "Tekst",
            "municipality": "",
            "photo_alt": "Een groen bankje onder een boom",
            "submission_key": "5b0d4c39-6b2c-4a7e-9a57-1f1f3a1f0c11",
            "action": "submit",
            "photo": _jpeg(),
        },
    )
    story = Story.objects.get(title="Met foto")
    assert story.status == Status.PENDING

    html = curator_client.get(reverse(QUEUE)).content.decode()

    assert (
        f'<img src="{story.thumbnail.url}" alt="Een groen bankje onder een boom" '
        'width="120" height="120" loading="lazy">'
    ) in html
    assert "Beschrijving van de foto: Een groen bankje onder een boom" in html
    assert curator_client.get(story.thumbnail.url).status_code == 200


def test_a_new_photo_in_an_edit_is_shown_to_curators_and_author_only_until_approved(
    author_client, curator_client, story
):
    _edit(author_client, story, photo=_jpeg(), photo_alt="Het nieuwe bankje")
    story.refresh_from_db()
    assert not story.photo
    revision = StoryRevision.objects.pending().get(story=story)
    thumbnail = revision.thumbnail.url

    html = curator_client.get(reverse(QUEUE)).content.decode()
    assert f'<img src="{thumbnail}" alt="Het nieuwe bankje"' in html
    assert curator_client.get(thumbnail).status_code == 200
    assert author_client.get(thumbnail).status_code == 200
    other = Client()
    other.force_login(MembershipFactory().user)
    assert other.get(thumbnail).status_code == 404
    assert Client().get(thumbnail).status_code == 404

    _decide(curator_client, story, "approve_edit")
    story.refresh_from_db()
    assert story.thumbnail.name == revision.thumbnail.name
    assert story.photo_alt == "Het nieuwe bankje"
    assert Client().get(thumbnail).status_code == 200


# ---- Approving and rejecting --------------------------------------------------------------


def test_approving_an_edit_puts_it_in_the_book_and_tells_the_author(
    author_client, curator_client, curator, story, mailoutbox, commit
):
    Story.objects.filter(pk=story.pk).update(status=Status.FEATURED)
    _edit(author_client, story, title="Het nieuwe bankje", body="Nieuwe tekst")

    with commit():
        response = _decide(curator_client, story, "approve_edit")

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title, story.body, story.status) == (
        "Het nieuwe bankje",
        "Nieuwe tekst",
        Status.FEATURED,
    )
    assert story.edited and "Nieuwe tekst" in story.body_html
    assert "Nieuwe tekst" in _reader_sees(story)
    revision = StoryRevision.objects.get()
    assert revision.status == RevisionStatus.APPROVED and revision.decided_by == curator
    entry = ModerationAction.objects.get(story=story)
    assert (entry.action, entry.curator) == ("approve_edit", curator)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [story.author.user.email]
    assert "goedgekeurd" in mailoutbox[0].body
    assert f'value="story:{story.pk}"' not in curator_client.get(reverse(QUEUE)).content.decode()


def test_rejecting_an_edit_needs_a_reason_keeps_the_published_version_and_tells_the_author(
    author_client, curator_client, curator, story, mailoutbox, commit
):
    _edit(author_client, story, title="Koop nu", body="Spam", photo=_jpeg(), photo_alt="Reclame")
    revision = StoryRevision.objects.get()
    photo_file = revision.photo.path

    _decide(curator_client, story, "reject_edit", reason="   ")
    assert StoryRevision.objects.pending().exists()

    with commit():
        _decide(curator_client, story, "reject_edit", reason="Dit is reclame")

    story.refresh_from_db()
    assert (story.title, story.body, story.status) == ("Het bankje", OLD_BODY, Status.PUBLISHED)
    assert not story.photo
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.REJECTED and revision.reason == "Dit is reclame"
    assert not revision.photo
    assert not os.path.exists(photo_file)
    entry = ModerationAction.objects.get(story=story)
    assert (entry.action, entry.reason) == ("reject_edit", "Dit is reclame")
    assert len(mailoutbox) == 1 and "Dit is reclame" in mailoutbox[0].body
    assert f'value="story:{story.pk}"' not in curator_client.get(reverse(QUEUE)).content.decode()


def test_a_decision_on_an_edit_that_no_longer_waits_is_refused(
    author_client, curator_client, story
):
    _edit(author_client, story, body="Anders")
    _decide(curator_client, story, "approve_edit")
    response = curator_client.post(
        reverse(DECIDE), {"target": f"story:{story.pk}", "action": "approve_edit"}, follow=True
    )
    assert "Hier wacht geen bewerking (meer)." in response.content.decode()
    assert ModerationAction.objects.filter(story=story).count() == 1


def test_leaving_takes_the_edits_that_wait_along(author_client, story, commit):
    _edit(author_client, story, body="Mijn woorden", photo=_jpeg(), photo_alt="Foto")
    photo_file = StoryRevision.objects.get().photo.path
    with commit():
        account_delete(user=story.author.user, stories=STORIES_KEEP)
    assert not StoryRevision.objects.exists()
    assert Story.objects.get(pk=story.pk).body == OLD_BODY
    assert not os.path.exists(photo_file)


def test_the_edit_in_the_queue_is_in_english_too(author_client, curator_client, story):
    _edit(author_client, story, body="Anders")
    html = curator_client.get("/en/curation/moderation/").content.decode()
    assert '<span class="badge badge--edited">edited</span>' in html
    assert "Edited: this is what changes" in html and "Reject the edit" in html


def test_the_data_download_holds_the_edit_that_waits_and_its_photo(author_client, story):
    _edit(author_client, story, body="Mijn bewerking", photo=_jpeg(), photo_alt="Nieuw")
    revision = StoryRevision.objects.get()

    archive = download(author_client)

    data = json.loads(archive.read("gegevens.json"))
    (exported,) = data["stories"]
    assert exported["body"] == OLD_BODY
    assert exported["edit_waiting"]["body"] == "Mijn bewerking"
    assert exported["edit_waiting"]["photo"] == revision.photo.name
    assert exported["edit_waiting"]["photo_description"] == "Nieuw"
    assert revision.photo.name in archive.namelist()
    assert "edit_waiting:" in archive.read("LEESMIJ.txt").decode()


def test_deleting_the_story_deletes_the_photo_of_its_waiting_edit(author_client, story, commit):
    _edit(author_client, story, photo=_jpeg(), photo_alt="Nieuw")
    photo_file = StoryRevision.objects.get().photo.path
    with commit():
        author_client.post(reverse("stories:delete", args=[story.pk]))
    assert not Story.objects.filter(pk=story.pk).exists()
    assert not StoryRevision.objects.exists() and not os.path.exists(photo_file)


def test_edits_are_approved_in_bulk_and_the_others_are_named(
    author_client, curator_client, story, open_chapter
):
    _edit(author_client, story, body="Bewerkt in bulk")
    pending = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Nog niet bewerkt")
    response = curator_client.post(
        reverse("stories:moderation_bulk"),
        {"items": [f"story:{story.pk}", f"story:{pending.pk}"], "action": "approve_edit"},
        follow=True,
    )
    story.refresh_from_db()
    assert story.body == "Bewerkt in bulk"
    html = response.content.decode()
    assert "1 item afgehandeld." in html and "Nog niet bewerkt: Hier wacht geen bewerking" in html
