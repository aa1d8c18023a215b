"""A chapter's text with a history: every save of its title or text is a ChapterRevision
(who, when, why), numbered from 1 per chapter.

Revision 1 is the text as it stood when the chapter's history began: a data migration
made it for the chapters that existed then (book/migrations), and
`chapter_history_begin` makes it for a chapter that has none yet, from its stored text,
before anything changes that text. Curators save in the curation area
(`chapter_save_text`); a save in the Django admin or by `import_book` / `load_demo` is
recorded after the fact (`chapter_text_record`).

Two curators editing the same chapter at once: each form carries the revision it
started from (`base_revision`). A save whose base is no longer the newest revision is
refused with ChapterTextConflict, which names both, so the form can show what changed
meanwhile and keep what the curator wrote. The chapter's row is locked for the check
(and on SQLite the write transaction is taken at its start), and the unique
(chapter, number) constraint refuses a second revision with the same number in any case.
"""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from core.exports import iso_or_none

from .models import Chapter, ChapterRevision, RevisionSource

TITLE_MAX = Chapter._meta.get_field("title").max_length or 200
MESSAGE_MAX = ChapterRevision._meta.get_field("message").max_length or 300


class ChapterTextError(Exception):
    """A save that cannot go through; `message` is for the curator, `field` the form
    field it is about (None: the whole form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class ChapterTextConflict(ChapterTextError):
    """Someone saved the chapter after this form was opened: `base` is the revision the
    form started from (None when it does not exist), `newest` the one there is now."""

    def __init__(self, *, base: ChapterRevision | None, newest: ChapterRevision) -> None:
        self.base = base
        self.newest = newest
        super().__init__(
            _(
                "Iemand anders heeft dit hoofdstuk bewaard terwijl jij het bewerkte (versie "
                "%(number)s). Hieronder zie je wat er sindsdien veranderde; jouw tekst staat "
                "nog in het formulier. Neem over wat je wilt houden en bewaar opnieuw."
            )
            % {"number": newest.number}
        )


def newest_revision(chapter: Chapter) -> ChapterRevision | None:
    return chapter.revisions.order_by("-number").first()


def chapter_history_begin(*, chapter: Chapter) -> ChapterRevision | None:
    """The chapter's newest revision; when it has none, revision 1 is made first from
    its title and text as stored (not as `chapter` may hold them, changed and unsaved).
    None for a chapter that is not saved yet."""
    if chapter.pk is None:
        return None
    with transaction.atomic():
        newest = newest_revision(chapter)
        if newest is not None:
            return newest
        stored = Chapter.objects.filter(pk=chapter.pk).values("title", "body").first()
        if stored is None:
            return None
        return ChapterRevision.objects.create(
            chapter=chapter,
            number=1,
            title=stored["title"],
            body=stored["body"],
            source=RevisionSource.BEGIN,
        )


def chapters_newest_revisions(*, chapters: list[Chapter]) -> dict[int, ChapterRevision]:
    """{chapter pk: its newest revision} for `chapters`, revision 1 made first (from the
    stored text) for those without a history: chapter_history_begin for many chapters
    at once, in a number of queries that does not grow with them."""
    pks = [chapter.pk for chapter in chapters]
    # No savepoint of its own inside a caller's transaction (publishing an edition).
    with transaction.atomic(savepoint=False):
        newest = ChapterRevision.objects.filter(
            chapter__in=pks,
            number=Subquery(
                ChapterRevision.objects.filter(chapter=OuterRef("chapter"))
                .order_by("-number")
                .values("number")[:1]
            ),
        )
        found = {revision.chapter_id: revision for revision in newest}
        missing = [pk for pk in pks if pk not in found]
        if missing:
            stored = Chapter.objects.filter(pk__in=missing).values_list("pk", "title", "body")
            made = ChapterRevision.objects.bulk_create(
                ChapterRevision(
                    chapter_id=pk, number=1, title=title, body=body, source=RevisionSource.BEGIN
                )
                for pk, title, body in stored
            )
            found |= {revision.chapter_id: revision for revision in made}
    return found


def _next_revision(
    chapter: Chapter, *, user: User | None, source: str, message: str, number: int
) -> ChapterRevision:
    return ChapterRevision.objects.create(
        chapter=chapter,
        number=number,
        title=chapter.title,
        body=chapter.body,
        author=user,
        message=message,
        source=source,
    )


def chapter_text_record(
    *, chapter: Chapter, user: User | None, source: str, message: str = ""
) -> ChapterRevision | None:
    """After a save outside the curation area (the admin, an import): the chapter's
    title and text as they are now become the next revision, when they differ from the
    newest one; a chapter without a history gets revision 1 of them. Returns the
    revision made, or None."""
    with transaction.atomic():
        newest = newest_revision(chapter)
        if newest is None:
            return _next_revision(chapter, user=user, source=source, message=message, number=1)
        if (newest.title, newest.body) == (chapter.title, chapter.body):
            return None
        return _next_revision(
            chapter, user=user, source=source, message=message, number=newest.number + 1
        )


def _checked(title: str, body: str, message: str) -> tuple[str, str, str]:
    title, message = title.strip(), message.strip()
    if not title:
        raise ChapterTextError(_("Geef het hoofdstuk een titel."), field="title")
    if len(title) > TITLE_MAX:
        raise ChapterTextError(
            _("Een titel is hoogstens %(max)s tekens.") % {"max": TITLE_MAX}, field="title"
        )
    if not body.strip():
        raise ChapterTextError(
            _("Een hoofdstuk zonder tekst kan niet worden bewaard."), field="body"
        )
    if not message:
        raise ChapterTextError(
            _("Zeg in een paar woorden wat je veranderde en waarom."), field="message"
        )
    if len(message) > MESSAGE_MAX:
        raise ChapterTextError(
            _("Een toelichting is hoogstens %(max)s tekens.") % {"max": MESSAGE_MAX},
            field="message",
        )
    return title, body, message


def chapter_save_text(
    *,
    chapter: Chapter,
    user: User,
    title: str,
    body: str,
    message: str,
    base_revision: int,
) -> ChapterRevision:
    """Save a chapter's title and Markdown text as its next revision, by `user` with
    `message`. `base_revision` is the number of the revision the editor started from:
    when that is no longer the newest, the save is refused (ChapterTextConflict) and
    nothing changes. The chapter's cached pages follow its updated_at, which the save
    moves on."""
    title, body, message = _checked(title, body, message)
    try:
        with transaction.atomic():
            chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
            newest = chapter_history_begin(chapter=chapter)
            assert newest is not None  # the chapter is saved
            if base_revision != newest.number:
                base = chapter.revisions.filter(number=base_revision).first()
                raise ChapterTextConflict(base=base, newest=newest)
            if (title, body) == (newest.title, newest.body):
                raise ChapterTextError(
                    _("Titel en tekst zijn niet veranderd: er is niets om te bewaren.")
                )
            chapter.title, chapter.body = title, body
            chapter.save()
            return _next_revision(
                chapter,
                user=user,
                source=RevisionSource.CURATION,
                message=message,
                number=newest.number + 1,
            )
    except IntegrityError:
        # Another save took the same number between our read and our write (a database
        # without row locks): theirs stands, and this one is a conflict like any other.
        newest = newest_revision(chapter)
        if newest is None:
            raise
        base = chapter.revisions.filter(number=base_revision).first()
        raise ChapterTextConflict(base=base, newest=newest) from None


def chapter_revisions_export(*, user: User) -> list[dict]:
    """The revisions `user` saved, for their data download (community.privacy). The
    revisions stay when the account goes (the book keeps its history); only the link
    to the author is dropped (on_delete SET_NULL)."""
    revisions = (
        ChapterRevision.objects.filter(author=user)
        .select_related("chapter")
        .order_by("created_at", "pk")
    )
    return [
        {
            "chapter": revision.chapter.title,
            "revision": revision.number,
            "title": revision.title,
            "message": revision.message,
            "saved_at": iso_or_none(revision.created_at),
        }
        for revision in revisions
    ]
