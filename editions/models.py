from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from book.models import Access, Book, Chapter, ChapterRevision, Reader, access_allows
from core.markdown import reading_minutes
from members.models import Membership, member_credit
from organisations.models import Organisation
from stories.models import Status
from suggestions.models import Kind as SuggestionKind
from suggestions.models import SuggestionStatus

#: The address a curator may give an edition: lower-case letters, digits, hyphens and
#: underscores, as the book's chapter slugs (book.services.SLUG_RE).
edition_slug_validator = RegexValidator(
    r"^[-a-z0-9_]+\Z",
    _(
        "Gebruik voor het webadres alleen kleine letters zonder accenten, cijfers en "
        "streepjes, zoals tussenstand-2027."
    ),
)


class EditionQuerySet(models.QuerySet["Edition"]):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def current(self) -> "Edition | None":
        """The edition readers hold now: the latest published one, or None."""
        return self.published().order_by("-date", "-published_at", "-pk").first()


class Edition(models.Model):
    """A fixed version of the book ("Tussenstand 2027"): while a draft, curators choose
    the stories it will carry; publishing (editions.services.edition_publish) copies the
    book's published chapters and those stories into it, so later edits of the book or
    the stories never change an edition that readers already have."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="editions")
    label = models.CharField(
        _("naam"), max_length=100, unique=True, help_text=_("Bijvoorbeeld: Tussenstand 2027")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    date = models.DateField(_("datum"), default=timezone.localdate)
    notes = models.TextField(_("notities van de redactie"), blank=True)
    selected_stories = models.ManyToManyField(
        "stories.Story",
        blank=True,
        related_name="+",
        verbose_name=_("gekozen verhalen"),
        help_text=_("Uitgelichte verhalen die bij het publiceren in de editie komen."),
    )
    is_published = models.BooleanField(_("gepubliceerd"), default=False, editable=False)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("gepubliceerd door"),
    )
    # Copies of the book's front and back matter, taken when the edition is published.
    title = models.CharField(_("titel"), max_length=200, blank=True, editable=False)
    subtitle = models.CharField(_("ondertitel"), max_length=300, blank=True, editable=False)
    introduction_html = models.TextField(blank=True, editable=False)
    colophon_html = models.TextField(blank=True, editable=False)
    cover = models.ImageField(upload_to="editions/", blank=True, editable=False)
    cover_alt = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    #: The published edition this one says what changed since (editions.changes).
    compared_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("vergeleken met"),
    )
    #: Raised when a published edition's rows change (erasure): the EPUB and print
    #: copies stored for an earlier version are not served again (editions.builds).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("editie")
        verbose_name_plural = _("edities")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("editions:edition", kwargs={"slug": self.slug})

    def organisations(self) -> models.QuerySet[Organisation]:
        """ "Organisaties in deze tussenstand": those its stories' credits name, the
        co-authors' included, by their current name, each once."""
        named = EditionStory.objects.filter(chapter__edition=self, organisation__isnull=False)
        coauthors = EditionStoryCoauthor.objects.filter(
            story__chapter__edition=self, organisation__isnull=False
        )
        return Organisation.objects.filter(
            models.Q(pk__in=named.values("organisation"))
            | models.Q(pk__in=coauthors.values("organisation"))
        ).order_by("name", "pk")

    def contents_to_publish(self) -> tuple[models.QuerySet, models.QuerySet]:
        """What publishing copies, as things stand now: the book's published chapters
        in order, and the chosen stories still featured under them. The confirmation
        page counts them; editions.services.edition_publish copies them."""
        chapters = Chapter.objects.published().filter(book=self.book_id).in_order()
        stories = self.selected_stories.filter(status=Status.FEATURED, chapter__in=chapters)
        return chapters, stories


class EditionChapter(models.Model):
    """A chapter as it stood when its edition was published."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    summary = models.TextField(_("samenvatting"), blank=True)
    body_html = models.TextField(blank=True)
    sections = models.JSONField(default=list, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    # A copy of the file, not the chapter's own: replacing the illustration later must
    # not change the picture in an edition.
    illustration = models.ImageField(upload_to="editions/", blank=True)
    illustration_alt = models.CharField(max_length=300, blank=True)
    access = models.CharField(_("toegang"), max_length=10, choices=Access.choices)
    chapter = models.ForeignKey(
        Chapter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The version of the chapter's text this edition holds (book.revisions); its
    #: number stays when the revision itself goes with its chapter.
    revision = models.ForeignKey(
        ChapterRevision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision_number = models.PositiveIntegerField(_("versie"), null=True, blank=True)
    #: What changed in the chapter since the previous edition, as publishing found it
    #: (editions.changes.ChapterChanges.as_json); empty when nothing did, or for the
    #: first edition.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hoofdstuk van een editie")
        verbose_name_plural = _("hoofdstukken van een editie")
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="edition_chapter_slug")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "editions:edition_chapter", kwargs={"slug": self.edition.slug, "chapter": self.slug}
        )

    @property
    def is_open(self) -> bool:
        return self.access == Access.OPEN

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def taken_up(self) -> list[dict]:
        """The members' suggestions these changes took up (editions.changes), each with
        the name of its kind, whether wholly or partly, and its credit: the name and
        number the member showed and the organisation they showed they belong to."""
        shown = []
        for item in (self.changes or {}).get("taken_up", []):
            credit = member_credit(name=item["name"], number=item["number"])
            shown.append(
                {
                    **item,
                    "kind_label": SuggestionKind(item["kind"]).label,
                    "partly": item["status"] == SuggestionStatus.PARTLY,
                    "credit": f"{credit}, {item['organisation']}"
                    if item["organisation"]
                    else credit,
                }
            )
        return shown

    def is_readable_by(self, user: Reader) -> bool:
        """The book's access rule, on the access the chapter had when it was copied."""
        return access_allows(self.access, user)


class EditionStoryQuerySet(models.QuerySet["EditionStory"]):
    def for_credits(self) -> Self:
        """With what EditionStory.credit reads: the organisation in the same query,
        the co-authors in one more for all the stories."""
        return self.select_related("organisation").prefetch_related(
            models.Prefetch(
                "coauthors", queryset=EditionStoryCoauthor.objects.select_related("organisation")
            )
        )

    @staticmethod
    def _written_by(membership: Membership) -> models.Q:
        return models.Q(story__author=membership) | models.Q(member_number=membership.number)

    def written_by(self, membership: Membership) -> Self:
        """The copies crediting `membership` as the story's author: through the story,
        or, where the story itself is gone, by the member number credited."""
        return self.filter(self._written_by(membership))

    def of_member(self, membership: Membership) -> Self:
        """The copies of `membership`'s stories in published editions: those they wrote
        (written_by) and those they are credited on as a co-author."""
        coauthored = EditionStoryCoauthor.objects.filter(member=membership).values("story")
        return self.filter(self._written_by(membership) | models.Q(pk__in=coauthored))


class AuthorCredit(models.Model):
    """One author's credit as an edition copied it: the name they chose (`author_name`,
    empty without one), their member number, both empty once they left keeping their
    stories, and the organisation they showed they belong to (the credit gives its
    current name)."""

    author_name = models.CharField(_("auteur"), max_length=200, blank=True)
    member_number = models.PositiveIntegerField(_("lidnummer"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )

    class Meta:
        abstract = True

    def author_credit(self, place: str) -> str:
        """Name and member number (members.models.member_credit), then `place` (an
        organisation or municipality) when there is one."""
        credit = member_credit(name=self.author_name, number=self.member_number)
        return f"{credit}, {place}" if place else credit


class EditionStory(AuthorCredit):
    """A learning story as it stood when its edition was published, with its author's
    credit copied too (AuthorCredit; the organisation is the one the story named, when
    its author showed they belong to it), and its co-authors' (EditionStoryCoauthor)."""

    chapter = models.ForeignKey(EditionChapter, on_delete=models.CASCADE, related_name="stories")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("titel"), max_length=200)
    body_html = models.TextField(blank=True)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    story = models.ForeignKey(
        "stories.Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oorspronkelijk verhaal"),
    )
    # The meeting whose nazit the story came from, as it stood when the edition was
    # published: its title, the municipality that hosted it (empty: none) and its day.
    meeting_title = models.CharField(_("bijeenkomst"), max_length=200, blank=True)
    meeting_place = models.CharField(_("plaats van de bijeenkomst"), max_length=200, blank=True)
    meeting_date = models.DateField(_("datum van de bijeenkomst"), null=True, blank=True)

    objects = EditionStoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("verhaal in een editie")
        verbose_name_plural = _("verhalen in een editie")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def anchor(self) -> str:
        return f"verhaal-{self.pk}"

    def credit(self) -> str:
        """The line beneath the story, the same on the edition's pages, in print and
        in the EPUB: name and member number (members.models.member_credit), and the
        organisation by its current name (read with for_credits), else the municipality
        the story named; then each co-author's, in the order the story shows them,
        joined as a sentence joins them ("Anna, lid nr. 12 en Bram, lid nr. 40")."""
        place = self.organisation.name if self.organisation is not None else self.municipality
        credits = [
            self.author_credit(place),
            *(coauthor.credit() for coauthor in self.coauthors.all()),
        ]
        credit = credits_joined(credits)
        return f"{credit}, {self.meeting_credit()}" if self.meeting_title else credit

    def meeting_credit(self) -> str:
        """ "uit de bijeenkomst in Zwolle, 12 maart 2027": where the story was born."""
        day = date_format(self.meeting_date, "j F Y") if self.meeting_date else ""
        if self.meeting_place:
            return gettext("uit de bijeenkomst in %(place)s, %(day)s") % {
                "place": self.meeting_place,
                "day": day,
            }
        return gettext("uit de bijeenkomst “%(title)s”, %(day)s") % {
            "title": self.meeting_title,
            "day": day,
        }


def credits_joined(credits: list[str]) -> str:
    """Authors' credits as a sentence lists them: "A en B", "A, B en C"; with semicolons
    between them when a credit has commas of its own ("Anna, lid nr. 12, Zwolle; Bram,
    lid nr. 40 en lid nr. 7"), so that each credit still reads as one."""
    if len(credits) > 2 and any("," in credit for credit in credits):
        return f"{'; '.join(credits[:-1])} {gettext('en')} {credits[-1]}"
    return get_text_list(credits, gettext("en"))


class EditionStoryCoauthor(AuthorCredit):
    """A co-author of a story in an edition (stories.models.Story.coauthors, written
    together after an introduction), copied when the edition was published as the
    author is (AuthorCredit; the organisation is the one the story named when they
    showed they belong to it, else the first they show). Leaving reaches it as it
    reaches the author (editions.services.editions_on_account_delete): "een oud-lid",
    or gone."""

    story = models.ForeignKey(EditionStory, on_delete=models.CASCADE, related_name="coauthors")
    #: The order the story shows its co-authors in.
    position = models.PositiveSmallIntegerField(default=0)
    #: Who this credits, until they leave: how erasure finds the row.
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mede-auteur in een editie")
        verbose_name_plural = _("mede-auteurs in edities")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.credit()

    def credit(self) -> str:
        return self.author_credit(self.organisation.name if self.organisation is not None else "")


#: An edition's chapters' stories with what their credits read (prefetch_related).
EDITION_STORIES = models.Prefetch("stories", queryset=EditionStory.objects.for_credits())


def organisations_credited(chapters: Iterable[EditionChapter]) -> list[Organisation]:
    """Edition.organisations from chapters read with EDITION_STORIES, without a query
    more: for the stored print and EPUB builds, which read the stories once."""
    found = {
        credited.organisation
        for chapter in chapters
        for story in chapter.stories.all()
        for credited in [story, *story.coauthors.all()]
        if credited.organisation
    }
    return sorted(found, key=lambda organisation: (organisation.name, organisation.pk))


class EditionDissent(models.Model):
    """One voice of the edition's "Tegengeluid" appendix: dissent the curators kept and
    whose author agreed to its place in an edition (suggestions'
    `dissent_for_edition`), copied when the edition was published, with the credit
    the member showed then. Leaving reaches it (editions.dissent)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="dissent")
    position = models.PositiveSmallIntegerField(default=0)
    chapter_title = models.CharField(_("hoofdstuk"), max_length=200)
    #: The chapter's access then: the quote and explanation of a members' chapter are
    #: for members, as the chapter is.
    access = models.CharField(
        _("toegang"), max_length=10, choices=Access.choices, default=Access.MEMBERS
    )
    section_title = models.CharField(_("paragraaf"), max_length=300, blank=True)
    quote = models.TextField(_("geciteerde passage"), blank=True)
    explanation_html = models.TextField(blank=True)
    author_name = models.CharField(_("auteur"), max_length=200, blank=True)
    member_number = models.PositiveIntegerField(_("lidnummer"), null=True, blank=True)
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tegengeluid in een editie")
        verbose_name_plural = _("tegengeluid in edities")
        ordering = ["edition", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.chapter_title} · {self.section_title}"

    @property
    def is_open(self) -> bool:
        return self.access == Access.OPEN

    def credit(self) -> str:
        credit = member_credit(name=self.author_name, number=self.member_number)
        return f"{credit}, {self.organisation_name}" if self.organisation_name else credit
