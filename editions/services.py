"""Editions: a fixed tussenstand of the book with the stories curators chose.

An edition is made in two steps. While it is a draft, curators choose which featured
stories it will carry (`edition_stories_choose`). Publishing (`edition_publish`) copies
the book's front matter, its published chapters (text, sections, illustration files) and
the chosen stories with their authors' credits into the edition's own rows and files.
From then on the edition is read-only: nothing reads the live book or stories to show it.
"""

import datetime
from collections.abc import Iterable
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from book.models import Book
from book.revisions import chapters_newest_revisions
from meetings.models import Meeting, meetings_of_stories
from members.models import Membership, membership_chosen_name
from organisations.models import Kind
from stories.models import Status, Story

from .builds import builds_discard
from .changes import changes_since, organisations_shown, previous_edition
from .dissent import dissent_copy, dissent_on_account_delete
from .models import (
    Edition,
    EditionChapter,
    EditionStory,
    EditionStoryCoauthor,
    edition_slug_validator,
)


class EditionError(Exception):
    """A refused change to an edition; `message` is for the curator, `field` the form
    field it is about (None: the whole request)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


def credit_parts(membership: Membership | None) -> tuple[str, int | None]:
    """What an edition copies of a story's author for its credit (EditionStory.credit):
    the name they chose (empty without one) and their copy number; neither once the
    account is gone."""
    if membership is None or membership.user_id is None:
        return "", None
    return membership_chosen_name(membership), membership.number


def credited_organisation(
    story: Story, membership_id: int | None, shown: dict[int, list[tuple[int, str]]], *, own: bool
) -> int | None:
    """The organisation a credit names for one of `story`'s authors (`shown`:
    editions.changes.organisations_shown): the one the story names, when that author
    shows they belong to it; for a co-author (`own`), else the first they show they
    belong to, as their credits for suggestions name it (editions.changes)."""
    theirs = [organisation for organisation, _name in shown.get(membership_id or 0, [])]
    if story.organisation_id is not None and story.organisation_id in theirs:
        return story.organisation_id
    return theirs[0] if own and theirs else None


def _edition_slug(label: str) -> str:
    return slugify(label)[:100]


def edition_create(
    *,
    label: str,
    curator: User,
    notes: str = "",
    date: datetime.date | None = None,
    slug: str = "",
) -> Edition:
    """A draft edition of the current book, at the address `slug` (empty: made from
    the label)."""
    label = label.strip()
    slug = slug.strip() or _edition_slug(label)
    with transaction.atomic():
        book = Book.objects.current()
        if book is None:
            raise EditionError(_("Er is nog geen boek om een editie van te maken."))
        if not label:
            raise EditionError(_("Geef de editie een naam."), field="label")
        if not slug:
            raise EditionError(
                _("Uit deze naam valt geen webadres te maken: kies er zelf een."), field="slug"
            )
        try:
            edition_slug_validator(slug)
        except ValidationError as invalid:
            raise EditionError(invalid.messages[0], field="slug") from invalid
        if Edition.objects.filter(label__iexact=label).exists():
            raise EditionError(_("Er is al een editie met deze naam."), field="label")
        if Edition.objects.filter(slug=slug).exists():
            raise EditionError(_slug_taken(slug), field="slug")
        try:
            # A savepoint: an edition made at the same moment by another curator
            # breaks the unique constraint here, and that is a refusal, not an error.
            with transaction.atomic():
                return Edition.objects.create(
                    book=book,
                    label=label,
                    slug=slug,
                    notes=notes,
                    date=date or timezone.localdate(),
                )
        except IntegrityError as taken:
            if Edition.objects.filter(label__iexact=label).exists():
                raise EditionError(
                    _("Er is al een editie met deze naam."), field="label"
                ) from taken
            raise EditionError(_slug_taken(slug), field="slug") from taken


def _slug_taken(slug: str) -> str:
    return _("Er is al een editie met het webadres %(slug)s. Kies een ander webadres.") % {
        "slug": slug
    }


def _draft_for_update(edition: Edition) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_published:
        raise EditionError(_("Deze editie is gepubliceerd en verandert niet meer."))
    return edition


def _check_choosable(edition: Edition, stories: Iterable[Story]) -> None:
    for story in stories:
        if story.status != Status.FEATURED:
            raise EditionError(
                _("Alleen uitgelichte verhalen komen in een editie: %(title)s")
                % {"title": story.title}
            )
        if not story.chapter.is_published or story.chapter.book_id != edition.book_id:
            raise EditionError(
                _("%(title)s hoort niet bij een gepubliceerd hoofdstuk.") % {"title": story.title}
            )


def edition_stories_choose(*, edition: Edition, stories: Iterable[Story], curator: User) -> None:
    """Set the stories a draft edition will carry: featured stories under the book's
    published chapters (select_related their chapters)."""
    with transaction.atomic():
        edition = _draft_for_update(edition)
        stories = list(stories)
        _check_choosable(edition, stories)
        edition.selected_stories.set(stories)


def edition_stories_mark(
    *, edition: Edition, shown: Iterable[Story], chosen: Iterable[Story], curator: User
) -> None:
    """Change the choice for the stories `shown` on one page of the curators' list:
    those in `chosen` are in the edition, the other shown ones are not; stories on
    other pages keep their place. Queries do not grow with the number of stories."""
    with transaction.atomic():
        edition = _draft_for_update(edition)
        chosen = list(chosen)
        _check_choosable(edition, chosen)
        chosen_pks = {story.pk for story in chosen}
        edition.selected_stories.remove(*[s.pk for s in shown if s.pk not in chosen_pks])
        edition.selected_stories.add(*chosen_pks)


def _copy_file(field_file: FieldFile, target: FieldFile, name: str) -> None:
    """Copy the file behind `field_file` into the ImageField file `target` (unsaved),
    under `name`. A missing file is left out rather than failing the publication."""
    if not field_file.name:
        return
    try:
        with field_file.open("rb") as source:
            data = source.read()
    except OSError:
        return
    target.save(f"{name}/{Path(field_file.name).name}", ContentFile(data), save=False)


def _coauthors_copy(
    story: Story, copy: EditionStory, shown: dict[int, list[tuple[int, str]]]
) -> list[EditionStoryCoauthor]:
    """The credits of `story`'s co-authors for its copy, in the order the story shows
    them (read with prefetch_related("coauthors"), by pk); those whose account is gone
    have left the co-authors already (stories.privacy)."""
    credits = []
    for position, coauthor in enumerate(story.coauthors.all(), start=1):
        name, number = credit_parts(coauthor)
        credits.append(
            EditionStoryCoauthor(
                story=copy,
                position=position,
                author_name=name,
                member_number=number,
                organisation_id=credited_organisation(story, coauthor.pk, shown, own=True),
                member=coauthor if number is not None else None,
            )
        )
    return credits


def _meeting_credit_parts(meeting: Meeting | None) -> dict:
    """What an edition copies of the meeting a story came from (EditionStory.credit):
    its title, its host when that is a municipality, and its day in Amsterdam."""
    if meeting is None:
        return {}
    host = meeting.host_organisation
    return {
        "meeting_title": meeting.title,
        "meeting_place": host.name if host is not None and host.kind == Kind.MUNICIPALITY else "",
        "meeting_date": timezone.localtime(meeting.starts_at).date(),
    }


def edition_publish(*, edition: Edition, curator: User) -> Edition:
    """Publish a draft edition: copy the book's published chapters and the chosen
    stories (still featured, under those chapters) into it. Refused for an edition
    that is already published: an edition never changes once readers have it."""
    with transaction.atomic():
        edition = _draft_for_update(edition)
        book = edition.book
        published_chapters, stories = edition.contents_to_publish()
        chapters = list(published_chapters)
        if not chapters:
            raise EditionError(_("Het boek heeft nog geen gepubliceerde hoofdstukken."))
        stories = (
            stories.select_related("author", "author__profile")
            .prefetch_related(
                Prefetch(
                    "coauthors",
                    queryset=Membership.objects.select_related("profile").order_by("pk"),
                )
            )
            .order_by("published_at", "pk")
        )
        by_chapter: dict[int, list] = {}
        for story in stories:
            by_chapter.setdefault(story.chapter_id, []).append(story)
        born_at = meetings_of_stories([story.pk for story in stories])

        folder = f"{edition.slug}"
        edition.title, edition.subtitle = book.title, book.subtitle
        edition.introduction_html, edition.colophon_html = (
            book.introduction_html,
            book.colophon_html,
        )
        edition.cover_alt = book.cover_alt
        _copy_file(book.cover, edition.cover, folder)
        copies = []
        # The version of each chapter's text the edition holds; a chapter without a
        # history gets its version 1 here, from the text it has.
        held = chapters_newest_revisions(chapters=chapters)
        shown = organisations_shown(
            {
                membership.pk
                for story in stories
                for membership in [story.author, *story.coauthors.all()]
                if membership is not None
            }
        )
        coauthors = []
        for chapter in chapters:
            revision = held.get(chapter.pk)
            copy = EditionChapter(
                edition=edition,
                chapter=chapter,
                revision=revision,
                revision_number=revision.number if revision else None,
                number=chapter.number,
                title=chapter.title,
                slug=chapter.slug,
                summary=chapter.summary,
                body_html=chapter.body_html,
                sections=chapter.sections,
                word_count=chapter.word_count,
                illustration_alt=chapter.illustration_alt,
                access=chapter.access,
            )
            _copy_file(chapter.illustration, copy.illustration, folder)
            copy.save()
            for position, story in enumerate(by_chapter.get(chapter.pk, []), start=1):
                author_name, member_number = credit_parts(story.author)
                copy_story = EditionStory(
                    chapter=copy,
                    position=position,
                    story=story,
                    title=story.title,
                    body_html=story.body_html,
                    author_name=author_name,
                    member_number=member_number,
                    municipality=story.municipality,
                    organisation_id=credited_organisation(story, story.author_id, shown, own=False),
                    **_meeting_credit_parts(born_at.get(story.pk)),
                )
                copies.append(copy_story)
                coauthors += _coauthors_copy(story, copy_story, shown)
        EditionStory.objects.bulk_create(copies)
        EditionStoryCoauthor.objects.bulk_create(coauthors)
        edition.is_published = True
        edition.published_at = timezone.now()
        edition.published_by = curator
        edition.compared_with = previous_edition(edition)
        edition.save()
        changed = changes_since(edition.compared_with, edition)
        for change in changed:
            change.chapter.changes = change.as_json()
        EditionChapter.objects.bulk_update([change.chapter for change in changed], ["changes"])
        dissent_copy(edition=edition, book=book)
    return edition


def _taken_up_credits_erase(*, membership: Membership, keep: bool) -> list[int]:
    """The member's suggestions credited in editions' "Wat is er veranderd"
    (editions.changes): kept without name, number or organisation ("een oud-lid"), or
    left out. Returns the editions whose chapters changed. The chapters with changes
    are few (one per chapter per edition at most): read and rewritten in Python."""
    touched = []
    for chapter in EditionChapter.objects.exclude(changes={}).only("pk", "edition", "changes"):
        items = chapter.changes.get("taken_up", [])
        if not any(item.get("member") == membership.pk for item in items):
            continue
        kept = [
            item
            if item.get("member") != membership.pk
            else {**item, "member": None, "name": "", "number": None, "organisation": ""}
            for item in items
            if keep or item.get("member") != membership.pk
        ]
        chapter.changes = {**chapter.changes, "taken_up": kept}
        chapter.save(update_fields=["changes"])
        touched.append(chapter.edition_id)
    return touched


def _coauthor_credits_erase(
    *, membership: Membership, keep: bool, story: Story | None = None
) -> list[int]:
    """The member's credits as a co-author (of `story` only, when given): kept as "een
    oud-lid" (no name, number or organisation) or taken out of the credit, the story
    staying with its other authors as it does on the site (stories.privacy). Returns
    the editions concerned."""
    credits = EditionStoryCoauthor.objects.filter(member=membership)
    if story is not None:
        credits = credits.filter(story__story=story)
    editions = list(credits.values_list("story__chapter__edition", flat=True).distinct())
    if keep:
        credits.update(author_name="", member_number=None, organisation=None, member=None)
    else:
        credits.delete()
    return editions


def _written_copies_erase(*, membership: Membership, keep: bool) -> list[int]:
    """The copies of the member's own stories: kept as "een oud-lid" (no name, number,
    organisation or municipality), or taken out. A story written with others is not
    taken out: as on the site (stories.privacy), it passes to its first co-author,
    whose credit takes the author's place. Returns the editions concerned."""
    copies = EditionStory.objects.written_by(membership)
    editions = list(
        Edition.objects.filter(chapters__stories__in=copies).distinct().values_list("pk", flat=True)
    )
    if keep:
        copies.update(author_name="", member_number=None, municipality="", organisation=None)
        return editions
    alone = []
    for copy in copies.prefetch_related("coauthors"):
        heir = next(iter(copy.coauthors.all()), None)
        if heir is None:
            alone.append(copy.pk)
            continue
        EditionStory.objects.filter(pk=copy.pk).update(
            author_name=heir.author_name,
            member_number=heir.member_number,
            organisation=heir.organisation_id,
        )
        heir.delete()
    EditionStory.objects.filter(pk__in=alone).delete()
    return editions


def editions_on_account_delete(*, membership: Membership, keep_stories: bool) -> None:
    """What leaving does to a member's stories in published editions (called by
    community.privacy.account_delete in its transaction, before the stories app takes
    its part, since the copies are found through the stories).

    An edition is frozen, but not against the person it quotes: `keep_stories=False`
    removes their stories from every edition (web, print and EPUB are all made from
    these rows), and their name from the credits of the stories they wrote with others;
    `keep_stories=True` keeps the text and credits them as "een oud-lid", with no name,
    number or municipality (_written_copies_erase, _coauthor_credits_erase). Copies whose
    original story is already gone are found by the member number they were credited
    with. The stored EPUB and print copies of the editions concerned are discarded
    (editions.builds)."""
    changed: list[int] = []
    for pk in [
        *_written_copies_erase(membership=membership, keep=keep_stories),
        *_coauthor_credits_erase(membership=membership, keep=keep_stories),
        *_taken_up_credits_erase(membership=membership, keep=keep_stories),
        *dissent_on_account_delete(membership=membership, keep=keep_stories),
    ]:
        if pk not in changed:
            changed.append(pk)
    _editions_changed(changed)


def editions_on_coauthor_leave(*, story: Story, membership: Membership) -> None:
    """`membership` no longer writes `story` (they withdrew, or its author took them
    off): their credit leaves the story's copies in published editions as it does when
    they leave the site taking their stories (_coauthor_credits_erase), and the
    editions concerned get a new version without their stored EPUB and print copies.
    Called in the transaction that takes them off the story."""
    _editions_changed(_coauthor_credits_erase(membership=membership, keep=False, story=story))


def _editions_changed(pks: list[int]) -> None:
    """The editions `pks` changed after publication: a new version, and the EPUB and
    print copies stored of the old one discarded (editions.builds)."""
    if not pks:
        return
    Edition.objects.filter(pk__in=pks).update(version=F("version") + 1)
    builds_discard(edition_pks=pks)
