"""Whether a member follows a chapter and the reactions they gave beneath it, in the one
query the chapter page makes for them (stories.shared.own_in_chapter)."""

import pytest

from stories.models import ReactionKind
from stories.shared import own_in_chapter
from tests.factories import (
    ChapterFollowFactory,
    MembershipFactory,
    ReactionFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


def test_each_combination_of_following_and_reactions(chapters, django_assert_num_queries):
    chapter, other = chapters[2], chapters[3]
    story, elsewhere = StoryFactory(chapter=chapter), StoryFactory(chapter=other)
    follows_only, reacts_only, both, neither = MembershipFactory.create_batch(4)
    ChapterFollowFactory(membership=follows_only, chapter=chapter)
    ChapterFollowFactory(membership=both, chapter=chapter)
    ChapterFollowFactory(membership=neither, chapter=other)  # another chapter's
    for membership in (reacts_only, both):
        ReactionFactory(story=story, member=membership, kind=ReactionKind.THANKS)
        ReactionFactory(story=story, member=membership, kind=ReactionKind.RECOGNISABLE)
    ReactionFactory(story=elsewhere, member=neither, kind=ReactionKind.THANKS)
    given = sorted([(story.pk, ReactionKind.THANKS), (story.pk, ReactionKind.RECOGNISABLE)])
    with django_assert_num_queries(1):
        assert own_in_chapter(follows_only.pk, chapter.pk) == (True, [])
    following, reactions = own_in_chapter(reacts_only.pk, chapter.pk)
    assert (following, sorted(reactions)) == (False, given)
    following, reactions = own_in_chapter(both.pk, chapter.pk)
    assert (following, sorted(reactions)) == (True, given)
    assert own_in_chapter(neither.pk, chapter.pk) == (False, [])
