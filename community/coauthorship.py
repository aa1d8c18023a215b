"""Ending a co-authorship (a story written together, stories.models.Story.coauthors):
the co-author withdraws their name, or the author takes a co-author off. The stories
app takes the name off the story (stories.writing.story_coauthor_remove, which also
tells the other side); the editions app takes the credit out of the published
editions (editions.services.editions_on_coauthor_leave), as leaving the site does;
the introductions app forgets the accepted invitation, so that its page no longer says
the two write it together. Editions and introductions lie above stories, side by side,
so this module, above all three, makes it one change in one transaction."""

from django.contrib.auth.models import User
from django.db import transaction

from editions.services import editions_on_coauthor_leave
from introductions.coauthoring import coauthor_invitation_end
from members.models import Membership
from stories.models import Story
from stories.writing import story_coauthor_remove


def story_coauthor_end(*, story: Story, membership: Membership, user: User) -> bool:
    """`membership` no longer writes `story`, by their own choice (`user` is theirs) or
    the author's (`user` is the author's); NotAllowed for anyone else. Returns False,
    changing nothing, when they already no longer write it."""
    with transaction.atomic():
        if not story_coauthor_remove(story=story, membership=membership, user=user):
            return False
        editions_on_coauthor_leave(story=story, membership=membership)
        coauthor_invitation_end(story=story, membership=membership)
        return True
