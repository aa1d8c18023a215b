"""Suggestions ("voorstellen"): what members propose for the next tussenstand of a
chapter, section by section, the responses of other members, and the curators' public
answer to each. Every change of state goes through suggestions.services.

A suggestion passes the stories' moderation (the same modes, rate limits and report
threshold, stories.writing and stories.reports); its `moderation` holds one of the
stories' statuses (pending, published, hidden). Its `status` is the curators' answer."""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from book.models import Chapter, ChapterRevision, Reader, chapter_readable_q
from members.models import Membership
from stories.models import Status, Story, author_name, author_related, count_subquery


class Kind(models.TextChoices):
    ADDITION = "aanvulling", _("Aanvulling")
    REWRITE = "herschrijving", _("Herschrijving")
    EXAMPLE = "voorbeeld", _("Nieuw voorbeeld")
    DELETION = "schrappen", _("Schrappen")
    DISSENT = "tegengeluid", _("Tegengeluid")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "behandeling", _("In behandeling")
    ADOPTED = "overgenomen", _("Overgenomen")
    PARTLY = "deels", _("Deels overgenomen")
    DECLINED = "niet", _("Niet overgenomen")
    DISSENT = "tegengeluid", _("Bewaard als tegengeluid")


#: Statuses still waiting for the curators' answer.
OPEN_STATUSES = (SuggestionStatus.OPEN, SuggestionStatus.IN_PROGRESS)
#: Statuses that close a suggestion: each needs a public answer.
CLOSING_STATUSES = (
    SuggestionStatus.ADOPTED,
    SuggestionStatus.PARTLY,
    SuggestionStatus.DECLINED,
    SuggestionStatus.DISSENT,
)
#: Closing statuses for which a chapter revision may be named as the one that took it up.
TAKEN_UP_STATUSES = (SuggestionStatus.ADOPTED, SuggestionStatus.PARTLY)
#: The moderation states a suggestion can be in (the stories' statuses).
MODERATION_STATES = [(s.value, s.label) for s in (Status.PENDING, Status.PUBLISHED, Status.HIDDEN)]


class Consent(models.TextChoices):
    """Whether dissent kept by the curators may go in an edition's "Tegengeluid"."""

    NOT_ASKED = "", _("Niet gevraagd")
    ASKED = "gevraagd", _("Gevraagd")
    GIVEN = "ja", _("Toestemming gegeven")
    REFUSED = "nee", _("Liever niet")


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def published(self) -> Self:
        return self.filter(moderation=Status.PUBLISHED)

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)

    def by(self, membership: Membership) -> Self:
        return self.filter(author=membership)

    def visible_to(self, user: Reader) -> Self:
        """Suggestions whose page exists for `user`: published ones under chapters
        `user` may read (the book's access rule: a suggestion quotes its chapter), and
        the author's own in every moderation state under those chapters. Curators
        (staff) see every suggestion."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        readable = chapter_readable_q(user, prefix="chapter__")
        if not user.is_authenticated:
            return self.published().filter(readable)
        return self.filter(readable & (Q(moderation=Status.PUBLISHED) | Q(author__user=user)))

    def for_display(self, user: Reader | None = None) -> Self:
        """With what a suggestion's card shows, in a fixed number of queries: chapter,
        author and curator joined, responses counted, and whether `user` responded."""
        queryset = self.select_related(
            "chapter", "answered_by", "taken_up_in", *author_related("author")
        ).annotate(
            agree_count=count_subquery(
                Response.objects.filter(suggestion=OuterRef("pk"), kind=ResponseKind.AGREE),
                "suggestion",
            ),
            disagree_count=count_subquery(
                Response.objects.filter(suggestion=OuterRef("pk"), kind=ResponseKind.DISAGREE),
                "suggestion",
            ),
        )
        if user is not None and user.is_authenticated:
            queryset = queryset.annotate(
                responded=Exists(
                    Response.objects.filter(suggestion=OuterRef("pk"), member__user=user)
                )
            )
        return queryset

    def open_counts_by_section(self, chapter: Chapter) -> dict[str, int]:
        """How many published, open suggestions each section of `chapter` has, by the
        section's anchor: one query, whatever their number."""
        rows = (
            self.published()
            .open()
            .filter(chapter=chapter)
            .order_by()
            .values("section")
            .annotate(n=Count("pk"))
            .values_list("section", "n")
        )
        return dict(rows)

    def awaiting_moderation(self) -> Self:
        """Waiting for a curator's approval, or with open reports."""
        return self.filter(
            Q(moderation=Status.PENDING)
            | Exists(SuggestionReport.objects.open().filter(suggestion=OuterRef("pk")))
        ).order_by("created_at", "pk")

    def dissent_for_edition(self) -> Self:
        """Dissent the curators kept and whose author said it may go in an edition's
        "Tegengeluid" appendix: published suggestions under published chapters, in the
        book's order. For the editions app."""
        return (
            self.published()
            .filter(
                status=SuggestionStatus.DISSENT,
                dissent_consent=Consent.GIVEN,
                chapter__is_published=True,
            )
            .select_related("chapter", *author_related("author"))
            .order_by("chapter__number", "chapter__pk", "created_at", "pk")
        )


class Suggestion(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("hoofdstuk")
    )
    #: The section's anchor id and its title as they were when the suggestion was made;
    #: the chapter may lose the section later, the suggestion keeps both.
    section = models.CharField(_("paragraaf"), max_length=200)
    section_title = models.CharField(_("titel van de paragraaf"), max_length=300)
    kind = models.CharField(_("soort"), max_length=15, choices=Kind.choices)
    quote = models.TextField(_("geciteerde passage"), max_length=2000, blank=True)
    proposed_text = models.TextField(_("voorgestelde tekst"), max_length=10000, blank=True)
    explanation = models.TextField(_("toelichting (Markdown)"), max_length=5000)
    explanation_html = models.TextField(editable=False, blank=True)
    evidence = models.ManyToManyField(
        Story, blank=True, related_name="suggestions", verbose_name=_("leerverhalen als bewijs")
    )
    # Nullable: a suggestion can stay, anonymised, when its author leaves.
    author = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("voorgesteld door"),
    )
    moderation = models.CharField(
        _("moderatie"), max_length=10, choices=MODERATION_STATES, default=Status.PENDING
    )
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.OPEN,
        db_index=True,
    )
    answer = models.TextField(_("antwoord van de redactie (Markdown)"), max_length=5000, blank=True)
    answer_html = models.TextField(editable=False, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    taken_up_in = models.ForeignKey(
        ChapterRevision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("overgenomen in versie"),
    )
    dissent_consent = models.CharField(
        _("toestemming voor de bijlage Tegengeluid"),
        max_length=10,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
        blank=True,
    )
    dissent_consent_at = models.DateTimeField(_("toestemming gegeven op"), null=True, blank=True)
    created_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["chapter", "moderation", "status", "section"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.section_title}"

    def get_absolute_url(self) -> str:
        return reverse("suggestions:detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        """What the audit log and the e-mails call it."""
        return f"{self.get_kind_display()}: {self.chapter.title} · {self.section_title}"

    @property
    def author_name(self) -> str:
        return author_name(self.author)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.moderation == Status.PUBLISHED

    @property
    def section_exists(self) -> bool:
        """Whether the chapter still has the section: else the suggestion was made "bij
        een eerdere versie van dit hoofdstuk"."""
        return any(s["id"] == self.section for s in self.chapter.sections)

    def is_by(self, user: Reader) -> bool:
        return bool(user.is_authenticated and self.author and self.author.user_id == user.pk)


class ResponseKind(models.TextChoices):
    AGREE = "eens", _("Eens")
    DISAGREE = "anders", _("Ik zie het anders")


class ResponseQuerySet(models.QuerySet["Response"]):
    def for_display(self) -> Self:
        return self.select_related(*author_related("member")).order_by("created_at", "pk")

    def disagreeing(self) -> Self:
        return self.filter(kind=ResponseKind.DISAGREE)


class Response(models.Model):
    """Another member's "eens" (counted) or "ik zie het anders" (with a reason, shown);
    one per member per suggestion (the constraint)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="responses")
    # Nullable: a disagreement can stay, anonymised, when its author leaves.
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=ResponseKind.choices)
    reason = models.TextField(_("waarom"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("gegeven op"), default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("reactie op een voorstel")
        verbose_name_plural = _("reacties op voorstellen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "member"], name="suggestion_response_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.suggestion_id}"

    @property
    def author_name(self) -> str:
        return author_name(self.member)


class SuggestionReportQuerySet(models.QuerySet["SuggestionReport"]):
    def open(self) -> Self:
        return self.filter(resolved_at__isnull=True)


class SuggestionReport(models.Model):
    """A member telling the curators that a suggestion is not right; once each. Weighed
    as the stories' reports are (stories.reports)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeld door")
    )
    reason = models.TextField(_("reden"), max_length=1000)
    created_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    resolved_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    objects = SuggestionReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding over een voorstel")
        verbose_name_plural = _("meldingen over voorstellen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "suggestion"], name="suggestion_report_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return self.reason[:60]
