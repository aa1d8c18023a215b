"""Trust: reports cannot silence people (only established members' reports hide, never a
featured story), and trusted members and curators still have an hourly ceiling."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stories import writing
from stories.models import ModerationAction, ModerationKind, Reply, Report, Status, Story
from tests.factories import MembershipFactory, ReplyFactory, StoryFactory

pytestmark = pytest.mark.django_db

QUEUE = "stories:moderation_queue"


def _report_through_the_site(item, reporters, reason="Dit is reclame"):
    """Each of `reporters` (memberships) reports `item` through the report form."""
    name, pk = (
        ("stories:report", item.pk)
        if isinstance(item, Story)
        else ("stories:reply_report", item.pk)
    )
    for reporter in reporters:
        browser = Client()
        browser.force_login(reporter.user)
        response = browser.post(reverse(name, args=[pk]), {"reason": reason})
        assert response.status_code == 302
    item.refresh_from_db()
    return item


def _fresh(count):
    return [MembershipFactory() for _n in range(count)]


def _established(count):
    return [MembershipFactory(established=True) for _n in range(count)]


def _in_queue(client, story) -> bool:
    html = client.get(reverse(QUEUE)).content.decode()
    return f'value="story:{story.pk}"' in html


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


# ---- Reports are weighed --------------------------------------------------------------


def test_three_fresh_accounts_cannot_hide_a_story_it_waits_for_a_curator(
    curator_client, open_chapter
):
    story = _report_through_the_site(StoryFactory(chapter=open_chapter), _fresh(3))

    assert story.status == Status.PUBLISHED
    assert not ModerationAction.objects.filter(story=story).exists()
    assert Report.objects.open().filter(story=story).count() == 3
    assert _in_queue(curator_client, story)
    assert Client().get(story.get_absolute_url()).status_code == 200


def test_many_fresh_accounts_cannot_hide_a_reply(open_chapter):
    reply = _report_through_the_site(
        ReplyFactory(story=StoryFactory(chapter=open_chapter)), _fresh(5)
    )
    assert not reply.is_hidden


def test_three_established_members_hide_a_story(curator_client, open_chapter):
    story = _report_through_the_site(StoryFactory(chapter=open_chapter), _established(3))

    assert story.status == Status.HIDDEN
    assert ModerationAction.objects.get(story=story).action == ModerationKind.AUTO_HIDE
    assert _in_queue(curator_client, story)
    assert Client().get(story.get_absolute_url()).status_code == 404


def test_a_member_with_an_approved_story_is_established_however_new(open_chapter):
    reporters = _fresh(3)
    for reporter in reporters:
        StoryFactory(chapter=open_chapter, author=reporter)
    story = _report_through_the_site(StoryFactory(chapter=open_chapter), reporters)
    assert story.status == Status.HIDDEN


def test_only_established_reporters_count_towards_hiding(curator_client, open_chapter):
    story = _report_through_the_site(
        StoryFactory(chapter=open_chapter), _established(2) + _fresh(4)
    )
    assert story.status == Status.PUBLISHED
    html = curator_client.get(reverse(QUEUE)).content.decode()
    assert "Gemeld door 6 leden" in html
    assert "2 van hen tellen mee om automatisch te verbergen" in html
    assert html.count('<span class="moderation-item__new-reporter">(nieuw lid)</span>') == 4
    assert html.count("Dit is reclame") == 6
    story = _report_through_the_site(story, _established(1))
    assert story.status == Status.HIDDEN


def test_membership_age_follows_the_setting(settings, open_chapter):
    settings.STORIES_ESTABLISHED_MEMBER_DAYS = 7
    week_old = timezone.now() - timedelta(days=8)
    reporters = [MembershipFactory(claimed_at=week_old) for _n in range(3)]
    story = _report_through_the_site(StoryFactory(chapter=open_chapter), reporters)
    assert story.status == Status.HIDDEN

    settings.STORIES_ESTABLISHED_MEMBER_DAYS = 14
    reporters = [MembershipFactory(claimed_at=week_old) for _n in range(3)]
    story = _report_through_the_site(StoryFactory(chapter=open_chapter), reporters)
    assert story.status == Status.PUBLISHED


def test_a_featured_story_is_queued_never_hidden(curator_client, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.FEATURED)
    story = _report_through_the_site(story, _established(5) + _fresh(3))

    assert story.status == Status.FEATURED
    assert not ModerationAction.objects.filter(story=story).exists()
    assert _in_queue(curator_client, story)
    html = curator_client.get(reverse(QUEUE)).content.decode()
    assert "Gemeld door 8 leden" in html


# ---- An hourly ceiling for everyone ----------------------------------------------------


def _story_data(title):
    return {
        "title": title,
        "body": "Wat we deden.",
        "municipality": "",
        "photo_alt": "",
        "submission_key": str(uuid.uuid4()),
        "action": "submit",
    }


@pytest.mark.parametrize("who", ["trusted", "curator"])
def test_trusted_members_and_curators_have_a_higher_hourly_story_ceiling(
    client, settings, open_chapter, curator, who
):
    settings.STORIES_TRUSTED_STORIES_PER_HOUR = writing.NEW_MEMBER_STORIES_PER_HOUR + 2
    if who == "trusted":
        author = MembershipFactory()
        # Approved two hours ago: trusted, and not counted in this hour.
        StoryFactory(
            chapter=open_chapter, author=author, created_at=timezone.now() - timedelta(hours=2)
        )
        client.force_login(author.user)
    else:
        client.force_login(curator)
    url = reverse("stories:create", args=[open_chapter.slug])
    before = Story.objects.count()
    for n in range(settings.STORIES_TRUSTED_STORIES_PER_HOUR):
        assert client.post(url, _story_data(f"Verhaal {n}")).status_code == 302

    response = client.post(url, _story_data("Eén te veel"))

    assert response.status_code == 429
    html = response.content.decode()
    assert "al 5 verhalen geplaatst" in html and 'value="Eén te veel"' in html
    assert Story.objects.count() == before + settings.STORIES_TRUSTED_STORIES_PER_HOUR


def test_trusted_members_have_a_higher_hourly_reply_ceiling(client, settings, open_chapter):
    settings.STORIES_TRUSTED_REPLIES_PER_HOUR = writing.NEW_MEMBER_REPLIES_PER_HOUR + 2
    author = MembershipFactory()
    StoryFactory(chapter=open_chapter, author=author)
    client.force_login(author.user)
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:reply", args=[story.pk])
    for n in range(settings.STORIES_TRUSTED_REPLIES_PER_HOUR):
        assert client.post(url, {"body": f"Reactie {n}"}).status_code == 302

    response = client.post(url, {"body": "Nog eentje dan"})

    assert response.status_code == 429
    html = response.content.decode()
    assert "al 12 reacties geplaatst" in html and "Nog eentje dan" in html
    assert Reply.objects.count() == settings.STORIES_TRUSTED_REPLIES_PER_HOUR
