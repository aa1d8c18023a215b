"""Learning stories ("leerverhalen"): what members write beneath a chapter, the
reactions and replies they give each other, and the reports that bring a story or
reply to a curator. Every change of state goes through a service: stories.writing,
reactions, reports, moderation, following, privacy."""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Self, TypedDict

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from book.models import Chapter, Reader, chapter_readable_q
from core import cache
from members.models import Membership, membership_display_name
from organisations.models import Organisation

# Defined in its own module (models.py is long enough); imported here so that the app
# registers it, and so that `stories.models` names every model of the app.
from .audit_kinds import ModerationKind, TargetType
from .revisions import RevisionStatus, StoryRevision  # noqa: F401
from .subscriptions import ChapterFollow, NotificationKind, NotificationSettings  # noqa: F401


class Status(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PENDING = "pending", _("Wacht op een curator")
    PUBLISHED = "published", _("Gepubliceerd")
    FEATURED = "featured", _("Uitgelicht")
    HIDDEN = "hidden", _("Verborgen")


#: The states in which a story is out in the open for its readers.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.FEATURED)


class ReactionKind(models.TextChoices):
    RECOGNISABLE = "herkenbaar", _("Herkenbaar")
    THANKS = "dank", _("Dank je wel")


class Theme(models.Model):
    """A theme a story is about, chosen from a short list the curators keep. A model
    rather than free tags: filtering stays exact and spelling variants cannot split a
    theme in two."""

    name = models.CharField(_("naam"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _reaction_count(kind: str) -> Coalesce:
    return count_subquery(Reaction.objects.filter(story=OuterRef("pk"), kind=kind), "story")


def count_subquery(rows: models.QuerySet[Any], by: str) -> Coalesce:
    """An annotation: how many of `rows` (filtered on an OuterRef to the annotated row
    through the field `by`) each row has, 0 for none. A subquery per row, counted on an
    index; a join with COUNT(DISTINCT) reads every row and sorts them for the DISTINCT."""
    # COUNT(*), not COUNT(id): the id is in no index of the rows counted, so counting it
    # made PostgreSQL read every row from the table (300 ms for the chapters' counts at
    # 100,000 stories) where COUNT(*) is answered from the index alone.
    counts = rows.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _reply_count() -> Coalesce:
    return count_subquery(Reply.objects.filter(story=OuterRef("pk"), is_hidden=False), "story")


def author_related(path: str) -> list[str]:
    """What to select_related for showing an author's name: the membership and its
    profile (the display name)."""
    return [path, f"{path}__profile"]


def author_name(membership: Membership | None) -> str:
    """The name a member chose in their profile, "Lid nr. N" without one, and for an
    author who has left, "Een oud-lid"."""
    if membership is None:
        return str(_("Een oud-lid"))
    return membership_display_name(membership)


def story_slug(title: str) -> str:
    return slugify(title) or "verhaal"


def story_url(pk: int, title: str) -> str:
    """A story's page, from its id and title alone (search links stories it has not
    loaded as models)."""
    return reverse("stories:detail", kwargs={"pk": pk, "slug": story_slug(title)})


class Waiting(TypedDict):
    """What awaiting_curator annotates: since when an item waits for a curator."""

    waiting_since: datetime


class StoryQuerySet(models.QuerySet["Story"]):
    def published(self) -> Self:
        return self.filter(status__in=PUBLIC_STATUSES)

    def pending_moderation(self) -> Self:
        return self.filter(status=Status.PENDING).order_by("created_at", "pk")

    def awaiting_curator(self) -> "StoryQuerySet[WithAnnotations[Story, Waiting]]":
        """The stories in the curators' queue: waiting for approval, with open reports
        (those hidden by the report threshold among them), or published with an edit
        that waits (StoryRevision). `waiting_since`: when the first open report came in,
        when the edit was made, or when the story was written."""
        open_reports = Report.objects.open().filter(story=OuterRef("pk"))
        first_report = open_reports.order_by("created_at").values("created_at")[:1]
        edit = StoryRevision.objects.pending().filter(story=OuterRef("pk")).values("created_at")
        return (
            self.exclude(status=Status.DRAFT)
            .filter(
                Q(status=Status.PENDING)
                | Exists(open_reports)
                | Q(status__in=PUBLIC_STATUSES) & Exists(edit)
            )
            .annotate(
                waiting_since=Coalesce(Subquery(first_report), Subquery(edit[:1]), "created_at")
            )
        )

    def by(self, membership: Membership) -> Self:
        return self.filter(author=membership)

    def visible_to(self, user: Reader) -> Self:
        """Stories whose page exists for `user`.

        Everyone: published and featured stories under published chapters; for readers
        without a copy only under open chapters (as with the chapters themselves).
        Authors (and co-authors) also see their own stories in every state. Curators (staff) see every
        state but other people's drafts, under every chapter. The chapters' part is the
        book's access rule (book.models.chapter_readable_q)."""
        readable = chapter_readable_q(user, prefix="chapter__")
        if not user.is_authenticated:
            return self.published().filter(readable)
        own = Q(author__user=user) | Exists(
            Story.coauthors.through.objects.filter(story=OuterRef("pk"), membership__user=user)
        )
        if user.is_staff:
            return self.filter(~Q(status=Status.DRAFT) | own)
        return self.filter((Q(status__in=PUBLIC_STATUSES) & readable) | own)

    def readable_by(self, user: Reader) -> Self:
        """The published and featured stories under chapters `user` may read: what
        `visible_to` shows `user` of the public stories, without the author's own
        other states (and without the join that finds them, which a search over every
        story would pay for on each row)."""
        return self.published().filter(chapter_readable_q(user, prefix="chapter__"))

    def in_reading_order(self) -> Self:
        """Featured stories first, then the others newest first."""
        return self.annotate(
            featured_first=Case(
                When(status=Status.FEATURED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("featured_first", "-published_at", "-pk")

    def reading_order_page_for_display(
        self, start: int, stop: int, user: Reader | None = None
    ) -> list["Story"]:
        """Rows `start:stop` of these public stories in reading order (featured first,
        then the others newest first: in_reading_order), `for_display`. Each status is
        read on the (chapter, status, published_at) index, newest first and stopped at
        the page: the featured rows the page covers, then the published ones from the
        offset the featured count leaves (the first page: the newest of each, no count).
        No page sorts the whole chapter (in_reading_order's CASE did)."""
        featured = self.filter(status=Status.FEATURED).order_by("-published_at", "-pk")
        published = self.filter(status=Status.PUBLISHED).order_by("-published_at", "-pk")
        featured_count = featured.count() if start else stop
        offset = max(start - featured_count, 0)
        parts = [published.values("pk")[:stop]] if not start else []
        if start < featured_count:
            parts.append(featured.values("pk")[start:stop])
        if stop > featured_count:
            parts.append(published.values("pk")[offset : stop - featured_count])
        if not parts:
            return []
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            # PostgreSQL: one id list (UNION ALL of the index reads). An OR of IN
            # (subquery) filters is no index condition there: it read every story.
            chosen = Q(pk__in=parts[0].union(*parts[1:], all=True))
        else:  # SQLite allows no LIMIT inside a UNION; it reads an OR of INs by index.
            chosen = Q()
            for part in parts:
                chosen |= Q(pk__in=part)
        page = list(Story.objects.filter(chosen).for_display(user).order_by())
        # The page's rows in reading order, as the database orders the statuses' indexes.
        page.sort(key=lambda s: (s.is_featured, *_newest_first(s.published_at, s.pk)), reverse=True)
        return page[: stop - start]

    def for_display(self, user: Reader | None = None) -> Self:
        """With what a story card shows, in a fixed number of queries whatever the
        number of stories: chapter and author joined, themes prefetched, reaction and
        reply counts annotated, and whether `user` gave each reaction."""
        queryset = (
            self.select_related("chapter", *author_related("author"))
            .prefetch_related("themes")
            .annotate(
                recognisable_count=_reaction_count(ReactionKind.RECOGNISABLE),
                thanks_count=_reaction_count(ReactionKind.THANKS),
                reply_count=_reply_count(),
            )
        )
        if user is not None and user.is_authenticated:
            mine = Reaction.objects.filter(story=OuterRef("pk"), member__user=user)
            queryset = queryset.annotate(
                recognisable_given=Exists(mine.filter(kind=ReactionKind.RECOGNISABLE)),
                thanks_given=Exists(mine.filter(kind=ReactionKind.THANKS)),
            )
        return queryset

    def page_for_display(self, start: int, stop: int, user: Reader | None = None) -> Self:
        """Rows `start:stop` of this (ordered) queryset, `for_display`. The page's ids
        are chosen first, by the filters and the order alone (on the indexes); the
        counts and joins are then worked out for those rows only, not for every story
        that matches. Still one query: the ids are a subquery."""
        page_ids = self.values("pk")[start:stop]
        return self.filter(pk__in=page_ids).for_display(user)

    def newest_page_for_display(
        self,
        start: int,
        stop: int,
        user: Reader | None = None,
        *,
        parts: Iterable["StoryQuerySet"] | None = None,
    ) -> Self:
        """Rows `start:stop` of these public stories, newest first, `for_display`.
        The newest `stop` of each public status are read on the (status, published_at)
        index, newest first and stopped there, and merged here: given
        `status IN (published, featured)`, SQLite would read and sort every public
        story to find the newest few. One query per public status, and one for the page.
        `parts`: querysets of public stories that together make the list, each read
        newest first on an index of its own, instead (an OR of them is no index
        condition: it read every story)."""
        if parts is None:
            parts = [self.filter(status=status) for status in PUBLIC_STATUSES]
        found: set[tuple[Any, int]] = set()
        for part in parts:
            found.update(
                part.order_by("-published_at", "-pk").values_list("published_at", "pk")[:stop]
            )
        newest = sorted(found, key=lambda row: _newest_first(*row), reverse=True)
        page_ids = [pk for _published_at, pk in newest[start:stop]]
        return self.filter(pk__in=page_ids).for_display(user).order_by("-published_at", "-pk")


def _newest_first(published_at: datetime | None, pk: int) -> tuple:
    """A sort key (reversed) that orders as the database orders `-published_at, -pk`:
    newest first, then the higher pk; no date last."""
    return (published_at is not None, published_at or 0, pk)


class Story(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="stories", verbose_name=_("hoofdstuk")
    )
    # Nullable: when a member leaves, their stories can stay, anonymised, in the book.
    author = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("auteur"),
    )
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("verhaal (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    photo = models.ImageField(_("foto"), upload_to="stories/", blank=True)
    thumbnail = models.ImageField(upload_to="stories/", blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(_("beschrijving van de foto"), max_length=300, blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="stories", verbose_name=_("thema's")
    )
    coauthors = models.ManyToManyField(
        Membership, blank=True, related_name="coauthored_stories", verbose_name=_("mede-auteurs")
    )
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("gemeente of organisatie"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    edited = models.BooleanField(_("bewerkt na publicatie"), default=False)
    submission_key = models.UUIDField(_("verzendsleutel"), editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("leerverhaal")
        verbose_name_plural = _("leerverhalen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double click sends the same key twice; only one story comes of it.
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="story_unique_submission"
            )
        ]
        indexes = [
            models.Index(fields=["chapter", "status", "published_at"]),
            # Nieuwste verhalen: the newest stories of a status, read newest first and
            # stopped after a page (StoryQuerySet.newest_page_for_display).
            models.Index(fields=["status", "published_at"]),
            # An organisation's page: the newest stories naming it, and the newest of
            # its members (community.organisation_pages.story_parts).
            models.Index(fields=["organisation", "status", "published_at"]),
            models.Index(fields=["author", "status", "published_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return story_url(self.pk, self.title)

    @property
    def slug(self) -> str:
        return story_slug(self.title)

    @property
    def anchor(self) -> str:
        return f"verhaal-{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_featured(self) -> bool:
        return self.status == Status.FEATURED

    def is_by(self, user: Reader) -> bool:
        return bool(user.is_authenticated and self.author and self.author.user_id == user.pk)

    @property
    def author_name(self) -> str:
        return author_name(self.author)

    def coauthor_names(self) -> list[str]:
        """The co-authors' names, each as they chose to be shown (author_name)."""
        return [author_name(m) for m in self.coauthors.select_related("profile").order_by("pk")]

    def may_edit(self, user: Reader) -> bool:
        """The author and the co-authors edit a story (only the author deletes it)."""
        coauthor = self.coauthors.filter(user=user.pk)
        return self.is_by(user) or (user.is_authenticated and coauthor.exists())


class ReplyQuerySet(models.QuerySet["Reply"]):
    def shown(self) -> Self:
        return self.filter(is_hidden=False)

    def for_display(self) -> Self:
        return self.select_related(*author_related("author")).order_by("created_at", "pk")

    def awaiting_curator(self) -> "ReplyQuerySet[WithAnnotations[Reply, Waiting]]":
        """The replies in the curators' queue: those with open reports, hidden by the
        report threshold or not; `waiting_since` is when the first one came in."""
        open_reports = Report.objects.open().filter(reply=OuterRef("pk"))
        first_report = open_reports.order_by("created_at").values("created_at")[:1]
        return self.filter(Exists(open_reports)).annotate(waiting_since=Subquery(first_report))


class Reply(models.Model):
    """An answer to a story, one level deep. Deleting one removes it for good: nothing
    hangs beneath a reply, so there is no thread to keep together."""

    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="replies", verbose_name=_("verhaal")
    )
    author = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_replies",
        verbose_name=_("auteur"),
    )
    body = models.TextField(_("reactie (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    is_hidden = models.BooleanField(_("verborgen"), default=False)
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=300, blank=True)
    edited = models.BooleanField(_("bewerkt"), default=False)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.story.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"reactie-{self.pk}"

    def is_by(self, user: Reader) -> bool:
        return bool(user.is_authenticated and self.author and self.author.user_id == user.pk)

    @property
    def author_name(self) -> str:
        return author_name(self.author)


class Reaction(models.Model):
    """A member's "Herkenbaar" or "Dank je wel" under a story; given or taken back."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort"), max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("waardering")
        verbose_name_plural = _("waarderingen")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "member", "kind"], name="reaction_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.story_id}"


class ReportQuerySet(models.QuerySet["Report"]):
    def open(self) -> Self:
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A member telling the curators that a story or a reply is not right. Exactly one
    of `story` and `reply` is set; a member reports an item once (the constraints)."""

    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeld door")
    )
    reason = models.TextField(_("reden"), max_length=1000)
    created_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    resolved_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgehandeld door"),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=False, reply__isnull=True)
                | Q(story__isnull=True, reply__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "story"],
                condition=Q(story__isnull=False),
                name="report_story_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(reply__isnull=False),
                name="report_reply_once_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]

    @property
    def target(self) -> "Story | Reply | None":
        return self.story if self.story_id else self.reply


class ModerationAction(models.Model):
    """The audit log: what a curator (or the report threshold, with no curator) did to
    a story, a reply, a meeting or a suggestion (meetings.services and
    suggestions.services, by target_type and target_id alone: those apps sit above
    this one), and why. One entry for every change of moderation state,
    written in the same transaction as the change (stories.moderation).

    Entries are never changed or deleted: there are no views that do so and the admin
    is read-only. They also outlive what they are about: when an author deletes a
    story or a reply, its foreign key becomes empty and `target_type`, `target_id` and
    the `target_title` snapshot still say what it was."""

    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_log"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_log"
    )
    target_type = models.CharField(_("soort"), max_length=20, choices=TargetType.choices)
    target_id = models.PositiveIntegerField(_("nummer"))
    target_title = models.CharField(_("titel (toen)"), max_length=200, blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("curator"),
    )
    action = models.CharField(_("handeling"), max_length=20, choices=ModerationKind.choices)
    # The story's status before the action: restoring a hidden story brings back
    # what it was (published or featured).
    previous_status = models.CharField(
        _("status ervoor"), max_length=10, choices=Status.choices, blank=True
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("op"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek van de redactie")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_title} · {self.created_at:%Y-%m-%d}"


def published_story_counts(chapters: Iterable[Chapter]) -> dict[int, int]:
    """How many published stories each of `chapters` holds, by chapter pk. Cached per
    chapter under its `stories_version`, which every change to its stories raises (in
    the same transaction): only a chapter whose stories changed is counted again."""

    def count(pks: list[int]) -> dict[int, int]:
        return dict(
            Chapter.objects.filter(pk__in=pks)
            .annotate(n=published_story_count())
            .values_list("pk", "n")
        )

    return _per_chapter(chapters, "published-count", count, default=0)


def _per_chapter[V](
    chapters: Iterable[Chapter],
    name: str,
    compute: Callable[[list[int]], dict[int, V]],
    *,
    default: V,
) -> dict[int, V]:
    """A value per chapter, cached under the chapter's stories_version (raised by every
    change to its stories, so a change takes a new key at once): `compute(pks)` gives
    it for the chapters not in the cache (those it leaves out get `default`)."""
    keys = {
        cache.key("stories", name, chapter.pk, chapter.stories_version): chapter.pk
        for chapter in chapters
    }
    return cache.fetch_each(keys, compute, default=default)


def published_story_count() -> Coalesce:
    """An annotation for chapters: how many published stories each holds, counted on
    the (chapter, status, published_at) index (count_subquery)."""
    return count_subquery(
        Story.objects.filter(chapter=OuterRef("pk"), status__in=PUBLIC_STATUSES), "chapter"
    )
