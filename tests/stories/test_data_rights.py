"""A member's part of the stories in their data download, and what leaving does to it."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from stories import following, moderation, privacy, reactions, reports
from stories.models import (
    ChapterFollow,
    ModerationAction,
    NotificationSettings,
    Reaction,
    Reply,
    Report,
    Status,
    Story,
)
from tests.factories import MembershipFactory, ReplyFactory, StoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def footprint(membership, open_chapter, chapters):
    """A member who wrote, replied, reacted, reported, follows and chose settings."""
    other_story = StoryFactory(chapter=open_chapter, title="Van een ander")
    published = StoryFactory(
        author=membership, chapter=open_chapter, title="Mijn bankje", municipality="Utrecht"
    )
    published.themes.add(ThemeFactory(name="Groen", slug="groen"))
    draft = StoryFactory(
        author=membership,
        chapter=open_chapter,
        title="Half af",
        status=Status.DRAFT,
        published_at=None,
    )
    reply = ReplyFactory(story=other_story, author=membership, body="Mooi gedaan!")
    reactions.reaction_toggle(story=other_story, membership=membership, kind="herkenbaar")
    reports.report_create(reporter=membership, story=other_story, reason="Klopt niet")
    following.chapter_follow(membership=membership, chapter=chapters[1])
    following.notification_settings_update(
        membership=membership,
        story_updates=True,
        replies=False,
        digest=True,
        suggestions=True,
        welcome=True,
        newsletter=False,
        language="en",
    )
    return {"published": published, "draft": draft, "reply": reply, "other": other_story}


# ---- Download ----------------------------------------------------------------------


def test_export_holds_everything_the_member_did(footprint, membership, chapters):
    data = privacy.stories_export_for(membership=membership)

    assert json.loads(json.dumps(data)) == data
    titles = {story["title"]: story for story in data["stories"]}
    assert titles.keys() == {"Mijn bankje", "Half af"}
    assert titles["Mijn bankje"]["status"] == "published"
    assert titles["Mijn bankje"]["chapter"] == chapters[0].title
    assert titles["Mijn bankje"]["themes"] == ["Groen"]
    assert titles["Mijn bankje"]["published_at"] is not None
    assert titles["Half af"]["status"] == "draft"
    assert data["replies"] == [
        {
            "story": "Van een ander",
            "body": "Mooi gedaan!",
            "hidden": False,
            "created_at": footprint["reply"].created_at.isoformat(),
            "updated_at": footprint["reply"].updated_at.isoformat(),
        }
    ]
    assert [(r["story"], r["kind"]) for r in data["reactions"]] == [("Van een ander", "herkenbaar")]
    assert [(r["story"], r["reason"]) for r in data["reports"]] == [("Van een ander", "Klopt niet")]
    assert [f["chapter"] for f in data["follows"]] == [chapters[1].title]
    assert data["notification_settings"]["replies"] is False
    assert data["notification_settings"]["language"] == "en"


def test_export_of_someone_else_holds_nothing_of_theirs(footprint):
    data = privacy.stories_export_for(membership=MembershipFactory())
    assert data["stories"] == data["replies"] == data["reactions"] == []
    assert data["follows"] == [] and data["notification_settings"] is None


def test_export_names_a_reported_reply_by_its_story(membership, open_chapter):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter, title="Daaronder"))
    reports.report_create(reporter=membership, reply=reply, reason="Scheldwoord")
    (report,) = privacy.stories_export_for(membership=membership)["reports"]
    assert (report["story"], report["about"]) == ("Daaronder", "reply")


# ---- Leaving -----------------------------------------------------------------------


def _leave(membership, keep):
    privacy.stories_on_account_delete(membership=membership, keep_stories=keep)


def test_leaving_without_keeping_removes_stories_and_replies(footprint, membership):
    replies_beneath = ReplyFactory.create_batch(2, story=footprint["published"])

    _leave(membership, keep=False)

    assert not Story.objects.filter(author=membership).exists()
    assert not Story.objects.filter(pk=footprint["published"].pk).exists()
    assert not Reply.objects.filter(pk__in=[r.pk for r in replies_beneath]).exists()
    assert not Reply.objects.filter(pk=footprint["reply"].pk).exists()
    assert Story.objects.filter(pk=footprint["other"].pk).exists()


def test_leaving_always_removes_reactions_follows_and_settings(footprint, membership):
    _leave(membership, keep=True)

    assert not Reaction.objects.filter(member=membership).exists()
    assert not ChapterFollow.objects.filter(membership=membership).exists()
    assert not NotificationSettings.objects.filter(membership=membership).exists()


def test_reports_stay_with_the_retired_number(footprint, membership):
    _leave(membership, keep=False)
    assert Report.objects.filter(reporter=membership).count() == 1


def test_keeping_anonymises_stories_and_replies_and_drops_drafts(footprint, membership):
    _leave(membership, keep=True)

    kept = Story.objects.get(pk=footprint["published"].pk)
    assert kept.author is None and kept.author_name == "Een oud-lid"
    assert kept.status == Status.PUBLISHED
    assert not Story.objects.filter(pk=footprint["draft"].pk).exists()
    reply = Reply.objects.get(pk=footprint["reply"].pk)
    assert reply.author is None and reply.body == "Mooi gedaan!"


def test_a_municipality_few_others_name_is_removed(footprint, membership, open_chapter):
    StoryFactory.create_batch(2, chapter=open_chapter, municipality="Utrecht")
    _leave(membership, keep=True)
    assert Story.objects.get(pk=footprint["published"].pk).municipality == ""


def test_a_municipality_many_others_name_is_kept(footprint, membership, open_chapter):
    StoryFactory.create_batch(3, chapter=open_chapter, municipality="utrecht")
    _leave(membership, keep=True)
    assert Story.objects.get(pk=footprint["published"].pk).municipality == "Utrecht"


def test_hidden_stories_of_others_do_not_count_for_the_municipality(
    footprint, membership, open_chapter
):
    StoryFactory.create_batch(3, chapter=open_chapter, municipality="Utrecht", status=Status.HIDDEN)
    _leave(membership, keep=True)
    assert Story.objects.get(pk=footprint["published"].pk).municipality == ""


def test_photos_of_deleted_stories_are_removed_after_commit(
    membership, open_chapter, django_capture_on_commit_callbacks
):
    story = StoryFactory(author=membership, chapter=open_chapter)
    story.photo.save("bankje.jpg", ContentFile(b"jpeg"), save=True)
    storage, name = story.photo.storage, story.photo.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        _leave(membership, keep=False)

    assert not storage.exists(name)


def test_a_leaver_gets_no_more_digests(
    footprint, membership, chapters, django_capture_on_commit_callbacks
):
    ChapterFollow.objects.update(created_at=timezone.now() - timedelta(hours=1))
    StoryFactory(chapter=chapters[1], published_at=timezone.now() - timedelta(minutes=1))
    _leave(membership, keep=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert following.digests_send() == 0


def test_deleted_writing_leaves_no_title_in_the_audit_log(membership, open_chapter, curator):
    story = StoryFactory(
        chapter=open_chapter, author=membership, status=Status.PENDING, title="Mijn straat"
    )
    other = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Van een ander")
    moderation.story_moderate(story=story, curator=curator, action="approve")
    moderation.story_moderate(story=other, curator=curator, action="approve")
    privacy.stories_on_account_delete(membership=membership, keep_stories=False)
    titles = dict(ModerationAction.objects.values_list("target_id", "target_title"))
    assert titles == {story.pk: "", other.pk: "Van een ander"}


def test_an_account_without_a_copy_exports_empty_story_data(membership, open_chapter):
    Story.objects.filter(pk=StoryFactory(chapter=open_chapter, author=membership).pk).update(
        author=None
    )
    data = privacy.stories_export_for(membership=None)
    assert data["stories"] == [] and data["follows"] == []
    assert data["notification_settings"] is None
