"""What the site holds about a person, and their leaving (AVG articles 15, 17 and 20).

This is the one list of every app's part: each app that keeps something about a member
offers an export and an erasure of its own, and `account_export` and `account_delete`
call all of them. Whatever the download learns to show, deletion must learn to erase:
an app added to the site adds its two calls here."""

from django.db import transaction

from book.services import reading_position_export
from editions.services import editions_on_account_delete
from members.models import Membership
from members.services import membership_erase, membership_export
from stories.privacy import stories_export_for, stories_on_account_delete

STORIES_KEEP = "keep"
STORIES_DELETE = "delete"


def account_export(*, user) -> dict:
    """Everything the site holds about `user`, as plain JSON-ready data: the answer to
    "what do you know about me" (article 15) and a copy to take along (article 20)."""
    membership = Membership.objects.with_origin().filter(user=user).first()
    data = membership_export(user=user, membership=membership)
    data["reading_position"] = reading_position_export(user=user)
    data |= stories_export_for(membership=membership)
    return data


def account_delete(*, user, stories: str = STORIES_KEEP) -> int | None:
    """Delete `user` and everything about them (article 17); returns their retired
    member number, or None for an account without a copy.

    `stories` says what happens to the member's writing, everywhere it stands:
    STORIES_DELETE removes their stories and replies from the site and from every
    published edition; STORIES_KEEP leaves them, credited to "een oud-lid", in the site
    and in the editions alike. The membership row stays without a person, so the number
    is never handed out again (members.services.membership_erase)."""
    if stories not in {STORIES_KEEP, STORIES_DELETE}:
        raise ValueError(f"stories must be {STORIES_KEEP!r} or {STORIES_DELETE!r}")
    keep = stories == STORIES_KEEP
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is not None:
            # The editions first: their copies are found through the stories, which
            # the next call may delete.
            editions_on_account_delete(membership=membership, keep_stories=keep)
            stories_on_account_delete(membership=membership, keep_stories=keep)
        return membership_erase(user=user, membership=membership)
