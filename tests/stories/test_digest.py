"""Following chapters and the daily digest of their new stories. Time travels by
giving stories and follows their dates and the digest its `now`: nothing sleeps."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from stories import exceptions, following
from stories.models import ChapterFollow, NotificationSettings, Status
from stories.tasks import send_digests
from tests.factories import ChapterFactory, MembershipFactory, StoryFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY_7 = datetime(2026, 3, 2, 7, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def follow(membership, open_chapter):
    """The member follows the chapter since a week before MONDAY_7."""
    follow = following.chapter_follow(membership=membership, chapter=open_chapter)
    follow.created_at = MONDAY_7 - timedelta(days=7)
    follow.save()
    return follow


def _story(chapter, published_at, **kwargs):
    return StoryFactory(chapter=chapter, published_at=published_at, **kwargs)


def _digest(commit, now=MONDAY_7):
    with commit():
        return following.digests_send(now=now)


# ---- Following ---------------------------------------------------------------------


def test_following_twice_makes_one_follow(membership, open_chapter):
    following.chapter_follow(membership=membership, chapter=open_chapter)
    following.chapter_follow(membership=membership, chapter=open_chapter)
    assert ChapterFollow.objects.filter(membership=membership).count() == 1


def test_an_unpublished_chapter_cannot_be_followed(membership, chapters):
    draft = ChapterFactory(book=chapters[0].book, is_published=False)
    with pytest.raises(exceptions.NotAllowed):
        following.chapter_follow(membership=membership, chapter=draft)


def test_the_follow_button_follows_and_unfollows_without_javascript(
    member_client, membership, open_chapter
):
    page = member_client.get(open_chapter.get_absolute_url()).content.decode()
    assert "Volg dit hoofdstuk" in page

    response = member_client.post(
        reverse("stories:follow", args=[open_chapter.slug]), {"action": "follow"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{open_chapter.get_absolute_url()}#verhalen"
    assert ChapterFollow.objects.filter(membership=membership, chapter=open_chapter).exists()
    assert "Niet meer volgen" in member_client.get(open_chapter.get_absolute_url()).content.decode()

    member_client.post(reverse("stories:follow", args=[open_chapter.slug]), {"action": "unfollow"})
    assert not ChapterFollow.objects.filter(membership=membership).exists()


def test_following_needs_a_post(member_client, open_chapter):
    assert member_client.get(reverse("stories:follow", args=[open_chapter.slug])).status_code == 405


def test_following_is_for_members(client, user, open_chapter):
    assert "Volg dit hoofdstuk" not in client.get(open_chapter.get_absolute_url()).content.decode()
    client.force_login(user)
    response = client.post(
        reverse("stories:follow", args=[open_chapter.slug]), {"action": "follow"}
    )
    assert response.status_code == 403


def test_the_follow_redirect_stays_on_the_site(member_client, open_chapter):
    response = member_client.post(
        reverse("stories:follow", args=[open_chapter.slug]),
        {"action": "follow", "next": "https://elders.example/"},
    )
    assert response["Location"] == f"{open_chapter.get_absolute_url()}#verhalen"


def test_settings_page_lists_followed_chapters(member_client, follow, open_chapter):
    html = member_client.get(reverse("stories:notifications")).content.decode()
    assert open_chapter.title in html


# ---- The digest --------------------------------------------------------------------


def test_digest_lists_new_stories_of_followed_chapters(
    commit, follow, open_chapter, chapters, member
):
    new = _story(open_chapter, MONDAY_7 - timedelta(hours=5), title="Het buurtbudget")
    _story(chapters[1], MONDAY_7 - timedelta(hours=5), title="Niet gevolgd")

    assert _digest(commit) == 1

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "1 nieuw verhaal bij de hoofdstukken die je volgt"
    assert "Het buurtbudget" in message.body
    assert f"http://127.0.0.1:8000{new.get_absolute_url()}" in message.body
    assert "Niet gevolgd" not in message.body
    assert open_chapter.title in message.body
    assert "List-Unsubscribe" in message.extra_headers


def test_no_digest_when_nothing_is_new(commit, follow):
    assert _digest(commit) == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.PENDING, Status.HIDDEN], ids=["draft", "pending", "hidden"]
)
def test_only_published_stories_are_in_the_digest(commit, follow, open_chapter, status):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1), status=status)
    assert _digest(commit) == 0


def test_stories_from_before_following_are_not_new(commit, follow, open_chapter):
    _story(open_chapter, follow.created_at - timedelta(minutes=1))
    assert _digest(commit) == 0


def test_own_stories_are_not_in_the_digest(commit, follow, open_chapter, membership):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1), author=membership)
    assert _digest(commit) == 0


def test_at_most_one_digest_a_day(commit, follow, open_chapter):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1))
    assert _digest(commit) == 1
    _story(open_chapter, MONDAY_7 + timedelta(hours=2), title="Later die dag")

    assert _digest(commit, now=MONDAY_7 + timedelta(hours=3)) == 0
    # Just before midnight in Amsterdam is still the same day.
    late = datetime(2026, 3, 2, 23, 59, tzinfo=AMSTERDAM)
    assert _digest(commit, now=late) == 0
    assert len(mail.outbox) == 1


def test_the_next_days_digest_has_only_what_came_since(commit, follow, open_chapter):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1), title="Maandag")
    _digest(commit)
    _story(open_chapter, MONDAY_7 + timedelta(hours=2), title="Dinsdag")

    assert _digest(commit, now=MONDAY_7 + timedelta(days=1)) == 1

    tuesday = mail.outbox[-1]
    assert "Dinsdag" in tuesday.body
    assert "Maandag" not in tuesday.body
    preferences = NotificationSettings.objects.get(membership=follow.membership)
    assert preferences.last_digest_at == MONDAY_7 + timedelta(days=1)


def test_a_story_published_after_the_run_waits_for_the_next_digest(commit, follow, open_chapter):
    _story(open_chapter, MONDAY_7 + timedelta(minutes=5), title="Net te laat")
    assert _digest(commit) == 0
    assert _digest(commit, now=MONDAY_7 + timedelta(days=1)) == 1
    assert "Net te laat" in mail.outbox[0].body


def test_a_day_without_news_does_not_lose_stories(commit, follow, open_chapter):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1), title="Maandag")
    _digest(commit)
    assert _digest(commit, now=MONDAY_7 + timedelta(days=1)) == 0
    _story(open_chapter, MONDAY_7 + timedelta(days=1, hours=1), title="Woensdag")

    assert _digest(commit, now=MONDAY_7 + timedelta(days=2)) == 1
    assert "Woensdag" in mail.outbox[-1].body


def test_digest_opt_out_is_respected(commit, follow, open_chapter, membership):
    following.notification_unsubscribe(membership=membership, kind="digest")
    _story(open_chapter, MONDAY_7 - timedelta(hours=1))
    assert _digest(commit) == 0


def test_former_members_get_no_digest(commit, follow, open_chapter, membership):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1))
    user = membership.user
    membership.user = None
    membership.save()
    user.delete()
    assert _digest(commit) == 0


def test_unpublished_chapters_are_left_out(commit, follow, open_chapter):
    _story(open_chapter, MONDAY_7 - timedelta(hours=1))
    open_chapter.is_published = False
    open_chapter.save()
    assert _digest(commit) == 0


def test_each_follower_gets_their_own_digest(commit, follow, open_chapter):
    other = MembershipFactory()
    following.chapter_follow(membership=other, chapter=open_chapter)
    ChapterFollow.objects.filter(membership=other).update(created_at=follow.created_at)
    _story(open_chapter, MONDAY_7 - timedelta(hours=1))

    assert _digest(commit) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [follow.membership.user.email, other.user.email]
    )


def test_digest_query_count_per_member_is_fixed(
    commit, follow, open_chapter, chapters, django_assert_max_num_queries
):
    for index in range(10):
        _story(chapters[index % 2], MONDAY_7 - timedelta(hours=1))
    following.chapter_follow(membership=follow.membership, chapter=chapters[1])
    ChapterFollow.objects.update(created_at=follow.created_at)
    with django_assert_max_num_queries(12):
        assert _digest(commit) == 1


def test_the_command_sends_the_digests(commit, membership, open_chapter):
    following.chapter_follow(membership=membership, chapter=open_chapter)
    ChapterFollow.objects.update(created_at=timezone.now() - timedelta(hours=1))
    StoryFactory(chapter=open_chapter)  # published just now
    out = io.StringIO()

    with commit():
        call_command("send_digests", stdout=out)
        call_command("send_digests", stdout=out)

    assert out.getvalue().splitlines() == ["1 digest(s) queued.", "0 digest(s) queued."]
    assert len(mail.outbox) == 1


def test_the_command_links_to_the_address_it_is_given(settings, commit, membership, open_chapter):
    settings.SITE_URL_FROM_REQUEST = True  # no request here: the option decides
    following.chapter_follow(membership=membership, chapter=open_chapter)
    ChapterFollow.objects.update(created_at=timezone.now() - timedelta(hours=1))
    story = StoryFactory(chapter=open_chapter)

    with commit():
        call_command("send_digests", "--site-url", "http://127.0.0.1:8123", stdout=io.StringIO())

    (message,) = mail.outbox
    assert f"http://127.0.0.1:8123{story.get_absolute_url()}" in message.body
    assert "127.0.0.1:8000" not in message.body


@pytest.mark.parametrize(
    "address", ["127.0.0.1:8123", "ftp://127.0.0.1", "http://127.0.0.1:8123/boek/", "http://"]
)
def test_the_command_refuses_an_address_it_cannot_link_to(membership, open_chapter, address):
    following.chapter_follow(membership=membership, chapter=open_chapter)
    with pytest.raises(CommandError, match="--site-url"):
        call_command("send_digests", "--site-url", address)
    assert not mail.outbox


def test_the_task_sends_the_digests(commit, membership, open_chapter):
    following.chapter_follow(membership=membership, chapter=open_chapter)
    ChapterFollow.objects.update(created_at=timezone.now() - timedelta(hours=1))
    StoryFactory(chapter=open_chapter)

    with commit():
        result = send_digests.enqueue()

    assert result.return_value == 1
    assert len(mail.outbox) == 1
