"""The queries the shared (cached) story pages make on every request, compiled once
(core.prepared): what their cache keys are made of, read from the database because
a change made through one worker process must show at once in the others, whose caches
are their own; and which reactions a member gave, filled into the shared HTML.

Every service that changes what a story, its card or its page shows raises the
chapter's `stories_version` in the same transaction (book.services.chapter_stories_changed);
a chapter's own edits change its `updated_at`."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, IntegerField, OuterRef, Value

from book.models import Chapter, audience_may_read
from core.cache import digest
from core.prepared import Prepared

from .models import PUBLIC_STATUSES, ChapterFollow, Reaction, Story


@dataclass(frozen=True)
class StoryState:
    """A story's row as its page needs it before anything else."""

    author_id: int | None
    is_public: bool
    updated_at: object
    chapter_published: bool
    chapter_access: str
    stories_version: int
    chapter_updated_at: object
    #: Whether anyone wrote it with the author (who then see their own page too).
    has_coauthors: bool = False

    def public_to(self, *, members: bool) -> bool:
        """Whether every member (`members`), or every reader, may read the story's page
        (Story.objects.visible_to, leaving out what its author and curators may read)."""
        return self.is_public and audience_may_read(
            is_published=self.chapter_published, access=self.chapter_access, members=members
        )

    @property
    def version(self) -> str:
        """Changes whenever the page could: the story, its replies and reactions, its
        authors' names (the stories_version) and the chapter it is under."""
        return digest((self.updated_at, self.stories_version, self.chapter_updated_at))


_story = Prepared(
    lambda pk: (
        Story.objects.filter(pk=pk)
        .annotate(
            has_coauthors=Exists(Story.coauthors.through.objects.filter(story=OuterRef("pk")))
        )
        .values_list(
            "author_id",
            "status",
            "updated_at",
            "chapter__is_published",
            "chapter__access",
            "chapter__stories_version",
            "chapter__updated_at",
            "has_coauthors",
        )
    )
)


def story_state(pk: int) -> StoryState | None:
    """The story `pk`, or None when there is no such story."""
    row = _story.first(pk=pk)
    if row is None:
        return None
    author_id, status, updated_at, published, access, version, chapter_updated_at, co = row
    return StoryState(
        author_id=author_id,
        is_public=status in PUBLIC_STATUSES,
        updated_at=updated_at,
        chapter_published=bool(published),
        chapter_access=access,
        stories_version=version,
        chapter_updated_at=chapter_updated_at,
        has_coauthors=bool(co),
    )


@dataclass(frozen=True)
class ChaptersState:
    """Every chapter's row as a list of stories across the book needs it."""

    #: Changes whenever any story card could, or a chapter's title or access.
    version: str
    #: The chapters that are not published.
    unpublished: tuple[int, ...]


_chapters = Prepared(
    lambda: Chapter.objects.order_by("pk").values_list(
        "pk", "book_id", "stories_version", "is_published", "access", "updated_at"
    )
)


def chapters_state() -> ChaptersState:
    """All chapters, in one query (a book has a handful)."""
    rows = _chapters.rows()
    return ChaptersState(
        version=digest(rows),
        unpublished=tuple(row[0] for row in rows if not row[3]),
    )


_wrote = Prepared(
    lambda member, chapters: Story.objects.filter(
        author_id=member, status__in=PUBLIC_STATUSES, chapter_id__in=chapters
    ).values_list("pk")[:1]
)


def wrote_public_story_under(membership_pk: int, chapter_pks: Iterable[int]) -> bool:
    """Whether the member wrote a published story under one of `chapter_pks`."""
    return bool(_wrote.rows(member=membership_pk, chapters=list(chapter_pks)))


_given = Prepared(
    lambda member, stories: Reaction.objects.filter(
        member_id=member, story_id__in=stories
    ).values_list("story_id", "kind")
)

_given_in_chapter = Prepared(
    lambda member, chapter: Reaction.objects.filter(
        member_id=member, story__chapter_id=chapter
    ).values_list("story_id", "kind")
)


#: A follow of the chapter, as a row of `_own_in_chapter` (its story pk is NULL).
_FOLLOWS = "follows"

#: Whether a member follows a chapter, and the reactions they gave beneath it, in one
#: query: the chapter page asks both of every member on every request.
_own_in_chapter = Prepared(
    lambda member, chapter: (
        ChapterFollow.objects.filter(membership_id=member, chapter_id=chapter)
        .annotate(story_pk=Value(None, output_field=IntegerField()), what=Value(_FOLLOWS))
        .values_list("story_pk", "what")
        .union(
            Reaction.objects.filter(member_id=member, story__chapter_id=chapter).values_list(
                "story_id", "kind"
            ),
            all=True,
        )
    )
)


def own_in_chapter(membership_pk: int, chapter_pk: int) -> tuple[bool, list[tuple]]:
    """Whether the member follows the chapter `chapter_pk`, and (story pk, kind) of each
    reaction they gave to a story under it (`given_reactions`), in one query."""
    rows = _own_in_chapter.rows(member=membership_pk, chapter=chapter_pk)
    given = [(story, kind) for story, kind in rows if story is not None]
    return len(given) < len(rows), given


def given_reactions(
    membership_pk: int, *, story_pks: Iterable[int] = (), chapter_pk: int | None = None
) -> list[tuple]:
    """(story pk, kind) of each reaction the member gave to one of `story_pks`, or to a
    story under the chapter `chapter_pk` (a member's reactions in one chapter are few;
    those to stories not on the page match no stand-in)."""
    if chapter_pk is not None:
        return _given_in_chapter.rows(member=membership_pk, chapter=chapter_pk)
    return _given.rows(member=membership_pk, stories=list(story_pks))
