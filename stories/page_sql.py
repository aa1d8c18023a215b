"""The queries the cached story pages make on every request, written as SQL once (see
community.page_cache.column): what their cache keys are made of, read from the
database because a change made through one worker process must show at once in the
others, whose caches are their own; and which reactions a member gave.

Every service that changes what a story, its card or its page shows raises the
chapter's `stories_version` in the same transaction (book.services.chapter_stories_changed);
a chapter's own edits change its `updated_at`."""

import functools
import hashlib
from dataclasses import dataclass

from django.db import connection

from book.models import Access, Chapter
from community.page_cache import column, table

from .models import PUBLIC_STATUSES, Reaction, Story


@dataclass(frozen=True)
class StoryState:
    """A story's row as its page needs it before anything else."""

    author_id: int | None
    is_public: bool
    updated_at: object
    chapter_published: bool
    chapter_open: bool
    stories_version: int
    chapter_updated_at: object

    def public_to(self, *, members: bool) -> bool:
        """Whether every member (`members`), or every reader, may read the story's page
        (Story.objects.visible_to, leaving out what its author and curators may read)."""
        return self.is_public and self.chapter_published and (members or self.chapter_open)

    @property
    def version(self) -> str:
        """Changes whenever the page could: the story, its replies and reactions, its
        authors' names (the stories_version) and the chapter it is under."""
        return _digest((self.updated_at, self.stories_version, self.chapter_updated_at))


def story_state(pk: int) -> StoryState | None:
    """The story `pk`, or None when there is no such story."""
    with connection.cursor() as cursor:
        cursor.execute(_story_sql(), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    author_id, status, updated_at, published, access, version, chapter_updated_at = row
    return StoryState(
        author_id=author_id,
        is_public=status in PUBLIC_STATUSES,
        updated_at=updated_at,
        chapter_published=bool(published),
        chapter_open=access == Access.OPEN,
        stories_version=version,
        chapter_updated_at=chapter_updated_at,
    )


@functools.cache
def _story_sql() -> str:
    """Timestamps are read as the database gives them (text on SQLite): they only need
    to change when the row does."""
    c_pk = connection.ops.quote_name(Chapter._meta.pk.column)
    return (
        f"SELECT s.{column(Story, 'author')}, s.{column(Story, 'status')},"
        f" s.{column(Story, 'updated_at')},"
        f" c.{column(Chapter, 'is_published')}, c.{column(Chapter, 'access')},"
        f" c.{column(Chapter, 'stories_version')}, c.{column(Chapter, 'updated_at')}"
        f" FROM {table(Story)} s JOIN {table(Chapter)} c ON c.{c_pk} = s.{column(Story, 'chapter')}"
        f" WHERE s.{connection.ops.quote_name(Story._meta.pk.column)} = %s"
    )


@dataclass(frozen=True)
class ChaptersState:
    """Every chapter's row as a list of stories across the book needs it."""

    #: Changes whenever any story card could, or a chapter's title or access.
    version: str
    #: The chapters that are not published.
    unpublished: tuple[int, ...]


def chapters_state() -> ChaptersState:
    """All chapters, in one query (a book has a handful)."""
    with connection.cursor() as cursor:
        cursor.execute(_chapters_sql())
        rows = cursor.fetchall()
    return ChaptersState(
        version=_digest(rows),
        unpublished=tuple(row[0] for row in rows if not row[3]),
    )


@functools.cache
def _chapters_sql() -> str:
    c_pk = connection.ops.quote_name(Chapter._meta.pk.column)
    names = ("book", "stories_version", "is_published", "access", "updated_at")
    return (
        f"SELECT c.{c_pk}, {', '.join(f'c.{column(Chapter, name)}' for name in names)}"
        f" FROM {table(Chapter)} c ORDER BY c.{c_pk}"
    )


def wrote_public_story_under(membership_pk: int, chapter_pks) -> bool:
    """Whether the member wrote a published story under one of `chapter_pks`."""
    chapter_pks = list(chapter_pks)
    if not chapter_pks:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            _wrote_sql(len(chapter_pks)), [membership_pk, *PUBLIC_STATUSES, *chapter_pks]
        )
        return cursor.fetchone() is not None


@functools.cache
def _wrote_sql(count: int) -> str:
    return (
        f"SELECT 1 FROM {table(Story)} WHERE {column(Story, 'author')} = %s"
        f" AND {column(Story, 'status')} IN ({', '.join(['%s'] * len(PUBLIC_STATUSES))})"
        f" AND {column(Story, 'chapter')} IN ({', '.join(['%s'] * count)}) LIMIT 1"
    )


def given_reactions(membership_pk: int, story_pks) -> list[tuple[int, str]]:
    """(story pk, kind) of each reaction the member gave to one of `story_pks`."""
    story_pks = list(story_pks)
    if not story_pks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_given_sql(len(story_pks)), [membership_pk, *story_pks])
        return cursor.fetchall()


@functools.cache
def _given_sql(count: int) -> str:
    return (
        f"SELECT {column(Reaction, 'story')}, {column(Reaction, 'kind')} FROM {table(Reaction)}"
        f" WHERE {column(Reaction, 'member')} = %s"
        f" AND {column(Reaction, 'story')} IN ({', '.join(['%s'] * count)})"
    )


def _digest(values) -> str:
    """A short key part for `values` (timestamps hold spaces, which some caches refuse)."""
    return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()
