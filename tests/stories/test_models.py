from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from book.models import Access, Chapter
from stories.models import Status, Story, published_story_count
from tests.factories import (
    ChapterFactory,
    MembershipFactory,
    ReactionFactory,
    ReplyFactory,
    StoryFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STATUSES = [Status.DRAFT, Status.PENDING, Status.PUBLISHED, Status.FEATURED, Status.HIDDEN]
# Who sees a story under an open chapter, per state of the story.
VISIBLE = {
    "anonymous": {Status.PUBLISHED, Status.FEATURED},
    "member": {Status.PUBLISHED, Status.FEATURED},
    "author": set(STATUSES),
    "curator": {Status.PENDING, Status.PUBLISHED, Status.FEATURED, Status.HIDDEN},
}


@pytest.fixture
def viewers(curator):
    author = MembershipFactory()
    return {
        "anonymous": AnonymousUser(),
        "member": MembershipFactory().user,
        "author": author.user,
        "curator": curator,
    }, author


@pytest.mark.parametrize("viewer", list(VISIBLE))
@pytest.mark.parametrize("status", STATUSES)
def test_visibility_matrix(viewers, chapters, viewer, status):
    users, author = viewers
    story = StoryFactory(chapter=chapters[0], author=author, status=status)
    visible = Story.objects.visible_to(users[viewer]).filter(pk=story.pk).exists()
    assert visible == (status in VISIBLE[viewer])


def test_members_chapter_stories_are_for_members_only(chapters, member, user):
    story = StoryFactory(chapter=chapters[2])
    assert chapters[2].access == Access.MEMBERS
    assert not Story.objects.visible_to(AnonymousUser()).filter(pk=story.pk).exists()
    assert not Story.objects.visible_to(user).filter(pk=story.pk).exists()
    assert Story.objects.visible_to(member).filter(pk=story.pk).exists()


def test_stories_under_unpublished_chapters_are_not_shown(book, member):
    draft_chapter = ChapterFactory(book=book, is_published=False)
    story = StoryFactory(chapter=draft_chapter)
    assert not Story.objects.visible_to(member).filter(pk=story.pk).exists()


def test_reading_order_is_featured_first_then_newest(chapters):
    now = timezone.now()
    old = StoryFactory(chapter=chapters[0], published_at=now - timedelta(days=3))
    new = StoryFactory(chapter=chapters[0], published_at=now - timedelta(days=1))
    featured = StoryFactory(
        chapter=chapters[0], status=Status.FEATURED, published_at=now - timedelta(days=9)
    )
    assert list(Story.objects.published().in_reading_order()) == [featured, new, old]


def test_for_display_counts_reactions_and_shown_replies(chapters, member):
    story = StoryFactory(chapter=chapters[0])
    membership = member.membership
    ReactionFactory(story=story, member=membership, kind="herkenbaar")
    ReactionFactory(story=story, member=MembershipFactory(), kind="herkenbaar")
    ReactionFactory(story=story, member=MembershipFactory(), kind="dank")
    ReplyFactory(story=story)
    ReplyFactory(story=story, is_hidden=True)
    shown = Story.objects.for_display(member).get(pk=story.pk)
    assert (shown.recognisable_count, shown.thanks_count, shown.reply_count) == (2, 1, 1)
    assert shown.recognisable_given and not shown.thanks_given


def test_story_url_is_stable_and_carries_a_slug(chapters):
    story = StoryFactory(chapter=chapters[0], title="Een bankje op de hoek!")
    assert story.get_absolute_url() == f"/verhalen/{story.pk}-een-bankje-op-de-hoek/"
    assert StoryFactory(chapter=chapters[0], title="???").slug == "verhaal"


def test_is_by_only_for_the_author(chapters):
    story = StoryFactory(chapter=chapters[0])
    assert story.is_by(story.author.user)
    assert not story.is_by(UserFactory())
    assert not story.is_by(AnonymousUser())
    story.author = None
    assert not story.is_by(UserFactory())


def test_chapters_count_their_published_stories(chapters):
    StoryFactory.create_batch(2, chapter=chapters[0])
    StoryFactory(chapter=chapters[0], status=Status.FEATURED)
    StoryFactory(chapter=chapters[0], status=Status.PENDING)
    StoryFactory(chapter=chapters[0], status=Status.HIDDEN)
    counted = Chapter.objects.annotate(n=published_story_count()).get(pk=chapters[0].pk)
    assert counted.n == 3


def test_theme_str(db):
    assert str(ThemeFactory(name="Openbare ruimte")) == "Openbare ruimte"
