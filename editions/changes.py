""" "Wat is er veranderd sinds de vorige tussenstand": what an edition says changed in
each chapter since the edition before it.

Each edition chapter records the revision of the chapter it holds
(EditionChapter.revision, book.revisions). Publishing compares that revision with the
one the previous published edition held of the same chapter (`changes_since`) and
keeps the outcome with the edition chapter (`EditionChapter.changes`), so that the
edition, like the rest of it, says forever what it said when it appeared: the web
edition, the print edition and the EPUB all show it from there. The first edition has
nothing to compare with and shows no such section.

`taken_up` lists the members' suggestions that a chapter's changes took up: those a
curator closed as taken up (wholly or partly) in a revision after the one the previous
edition held, up to the one this edition holds, each credited by the name and number
the member shows and the organisation they show they belong to (`_credit_taken_up`).
Erasure reaches these credits too (editions.services.editions_on_account_delete)."""

from dataclasses import dataclass, field

from core.diff import SectionChange, section_changes
from members.models import Membership, membership_chosen_name
from organisations.models import Affiliation
from stories.models import author_related
from suggestions.models import Suggestion, SuggestionStatus

from .models import Edition, EditionChapter


@dataclass
class ChapterChanges:
    """What changed in one chapter between two editions."""

    chapter: EditionChapter
    #: The revision numbers compared: None for a chapter new in this edition.
    revision_from: int | None
    revision_to: int | None
    title_before: str = ""
    sections: list[SectionChange] = field(default_factory=list)
    #: Suggestions taken up in these changes, credited (filled by the suggestions app).
    taken_up: list = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.revision_from is None

    def as_json(self) -> dict:
        return {
            "revision_from": self.revision_from,
            "revision_to": self.revision_to,
            "is_new": self.is_new,
            "title_before": self.title_before,
            "sections": [
                {
                    "title": section.title,
                    "anchor": section.anchor,
                    "status": section.status,
                    "added": section.added,
                    "removed": section.removed,
                    "passages": [str(passage) for passage in section.passages],
                }
                for section in self.sections
            ],
            "taken_up": list(self.taken_up),
        }


def previous_edition(edition: Edition) -> Edition | None:
    """The published edition of the same book before `edition` (by publication)."""
    earlier = Edition.objects.published().filter(book=edition.book_id).exclude(pk=edition.pk)
    if edition.published_at is not None:
        earlier = earlier.filter(published_at__lt=edition.published_at)
    return earlier.order_by("-published_at", "-pk").first()


def changes_since(previous: Edition | None, edition: Edition) -> list[ChapterChanges]:
    """Per chapter of `edition` that changed since `previous`, in the edition's order:
    the sections that changed with their words added and removed and the changed
    passages; a chapter that `previous` did not hold is new. Chapters whose revisions
    are the same, or unknown on either side (an edition from before chapters had
    versions), are left out. No previous edition: nothing."""
    if previous is None:
        return []
    before = {
        copy.chapter_id: copy
        for copy in previous.chapters.select_related("revision").exclude(chapter=None)
    }
    found = []
    for copy in edition.chapters.select_related("revision").order_by("number", "pk"):
        old = before.get(copy.chapter_id) if copy.chapter_id else None
        new_revision = copy.revision
        if old is None:
            found.append(
                ChapterChanges(chapter=copy, revision_from=None, revision_to=copy.revision_number)
            )
            continue
        old_revision = old.revision
        if old_revision is None or new_revision is None or old_revision.pk == new_revision.pk:
            continue
        if (old_revision.title, old_revision.body) == (new_revision.title, new_revision.body):
            continue
        found.append(
            ChapterChanges(
                chapter=copy,
                revision_from=old_revision.number,
                revision_to=new_revision.number,
                title_before=old_revision.title if old_revision.title != new_revision.title else "",
                sections=section_changes(old_revision.body, new_revision.body),
            )
        )
    _credit_taken_up(found)
    return found


def _credit_taken_up(found: list[ChapterChanges]) -> None:
    """Fill `taken_up` of each changed chapter: the published suggestions taken up in a
    revision it covers (after revision_from, up to revision_to), oldest revision first.
    Two queries whatever the number of chapters and suggestions."""
    by_chapter = {change.chapter.chapter_id: change for change in found if change.chapter}
    if not by_chapter:
        return
    suggestions = list(
        Suggestion.objects.published()
        .filter(
            status__in=(SuggestionStatus.ADOPTED, SuggestionStatus.PARTLY),
            taken_up_in__chapter__in=list(by_chapter),
        )
        .select_related("taken_up_in", *author_related("author"))
        .order_by("taken_up_in__number", "created_at", "pk")
    )
    organisations = shown_organisations({s.author_id for s in suggestions if s.author_id})
    for suggestion in suggestions:
        revision = suggestion.taken_up_in
        assert revision is not None  # filtered on it
        change = by_chapter[revision.chapter_id]
        if not (change.revision_from or 0) < revision.number <= (change.revision_to or 0):
            continue
        author: Membership | None = suggestion.author
        present = author is not None and author.user_id is not None
        change.taken_up.append(
            {
                "suggestion": suggestion.pk,
                "kind": suggestion.kind,
                "status": suggestion.status,
                "section_title": suggestion.section_title,
                "member": author.pk if author is not None else None,
                "name": membership_chosen_name(author) if present and author else "",
                "number": author.number if present and author else None,
                "organisation": organisations.get(suggestion.author_id or 0, ""),
            }
        )


def organisations_shown(members: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Per member, the organisations they show they belong to (a public, current
    affiliation, the member's own choice), by name: their ids and names. One query."""
    shown: dict[int, list[tuple[int, str]]] = {}
    for membership_id, organisation_id, name in (
        Affiliation.objects.public()
        .current()
        .filter(membership__in=members)
        .order_by("organisation__name", "pk")
        .values_list("membership_id", "organisation_id", "organisation__name")
    ):
        shown.setdefault(membership_id, []).append((organisation_id, name))
    return shown


def shown_organisations(members: set[int]) -> dict[int, str]:
    """Per member, the name of an organisation they show they belong to, the first by
    name (organisations_shown)."""
    return {member: shown[0][1] for member, shown in organisations_shown(members).items()}
