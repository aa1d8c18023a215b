"""What the site holds about a person, and their leaving (AVG articles 15, 17 and 20).

This is the one list of every app's part: each app that keeps something about a member
offers an export and an erasure of its own, and `account_export` and `account_delete`
call all of them. Whatever the download learns to show, deletion must learn to erase:
an app added to the site adds its two calls here."""

import io
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from book.revisions import chapter_revisions_export
from book.services import reading_position_export
from core.exports import json_write
from core.pending_photos import pending_photos_discard_all
from editions.services import editions_on_account_delete
from introductions.services import introductions_export, introductions_on_account_delete
from meetings.privacy import meetings_export_for, meetings_on_account_delete
from members.models import Membership
from members.services import membership_erase, membership_export
from newsletter.privacy import newsletter_export, newsletter_on_account_delete
from organisations.services import affiliations_export, affiliations_on_account_delete
from organisations.sso import sso_accounts_export, sso_accounts_on_account_delete
from stories.privacy import stories_export_for, stories_on_account_delete
from suggestions.privacy import suggestions_export, suggestions_on_account_delete

STORIES_KEEP = "keep"
STORIES_DELETE = "delete"


def account_export(*, user: User, streamed: bool = False) -> dict:
    """Everything the site holds about `user`, as plain JSON-ready data: the answer to
    "what do you know about me" (article 15) and a copy to take along (article 20).
    `streamed`: the long lists are iterators over chunks of rows, for
    core.exports.json_write (stories.privacy.stories_export_for)."""
    membership = Membership.objects.with_origin().filter(user=user).first()
    data = membership_export(user=user, membership=membership)
    data["reading_position"] = reading_position_export(user=user)
    data["chapter_revisions"] = chapter_revisions_export(user=user)
    data |= affiliations_export(membership=membership)
    data |= sso_accounts_export(user=user)
    data |= stories_export_for(membership=membership, streamed=streamed)
    data |= introductions_export(membership=membership)
    data |= suggestions_export(membership=membership)
    data |= meetings_export_for(user=user)
    data |= newsletter_export(membership=membership)
    return data


#: The data download's files: the export, its explanation, and each photo under the
#: name the export gives it ("photo": "stories/....jpg" is the file stories/....jpg).
ARCHIVE_DATA = "gegevens.json"
ARCHIVE_README = "LEESMIJ.txt"


def _noting_photos(stories: Iterable[dict], photos: list[str]) -> Iterator[dict]:
    """`stories` (exported rows) as they pass, with each photo noted in `photos`: the
    story's and a new one in an edit that waits; the originals, not the thumbnails
    made of them."""
    for story in stories:
        for name in (story["photo"], (story["edit_waiting"] or {}).get("photo")):
            if name:
                photos.append(name)
        yield story


def account_archive_write(*, user: User, target: BinaryIO) -> None:
    """The data download as a zip written into `target` (a file opened for writing):
    gegevens.json (account_export, as the download always gave it), LEESMIJ.txt that
    explains its keys and values, in the active language, and the member's photos
    (their profile photo and each story's).

    Bounded in memory whatever the member wrote: the stories, replies and reactions
    are read in chunks and written into gegevens.json as they are read
    (core.exports.json_write), and each photo is copied from storage in chunks, so a
    prolific member costs disk, not memory. A photo whose file is gone is left out."""
    data = account_export(user=user, streamed=True)
    photos = [name for name in [(data["profile"] or {}).get("photo")] if name]
    data["stories"] = _noting_photos(data["stories"], photos)
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo(ARCHIVE_DATA, stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        with (
            archive.open(entry, "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8") as text,
        ):
            json_write(data, text)
        archive.writestr(
            zipfile.ZipInfo(ARCHIVE_README, stamp),
            render_to_string("privacy/LEESMIJ.txt", {"data": data}),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for name in photos:
            try:
                source = default_storage.open(name, "rb")
            except OSError:
                continue
            # JPEGs are compressed already: stored as they are.
            entry = zipfile.ZipInfo(name, stamp)
            entry.compress_type = zipfile.ZIP_STORED
            with source, archive.open(entry, "w") as copy:
                shutil.copyfileobj(source, copy, 64 * 1024)


def account_delete(*, user: User, stories: str = STORIES_KEEP) -> int | None:
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
        pending_photos_discard_all(user=user)
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is not None:
            # The editions first: their copies are found through the stories, which
            # the next call may delete.
            editions_on_account_delete(membership=membership, keep_stories=keep)
            stories_on_account_delete(membership=membership, keep_stories=keep)
            affiliations_on_account_delete(membership=membership)
            introductions_on_account_delete(membership=membership)
            newsletter_on_account_delete(membership=membership)
            suggestions_on_account_delete(membership=membership, keep_stories=keep)
        meetings_on_account_delete(user=user, keep_stories=keep)
        sso_accounts_on_account_delete(user=user)
        return membership_erase(user=user, membership=membership)
