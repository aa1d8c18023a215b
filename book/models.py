from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.markdown import reading_minutes, render_markdown

#: Whoever asks to read: an account, or a visitor who has not logged in.
type Reader = User | AnonymousUser


class BookQuerySet(models.QuerySet["Book"]):
    def current(self) -> "Book | None":
        """The book this site is about: the first one made (a site holds one book)."""
        return self.order_by("pk").first()


class Book(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    subtitle = models.CharField(_("ondertitel"), max_length=300, blank=True)
    cover = models.ImageField(_("omslag"), upload_to="book/", blank=True)
    cover_alt = models.CharField(_("beschrijving van de omslag"), max_length=300, blank=True)
    introduction = models.TextField(_("inleiding (Markdown)"), blank=True)
    introduction_html = models.TextField(editable=False, blank=True)
    colophon = models.TextField(_("colofon (Markdown)"), blank=True)
    colophon_html = models.TextField(editable=False, blank=True)
    edition_label = models.CharField(
        _("huidige editie"),
        max_length=100,
        blank=True,
        help_text=_("Bijvoorbeeld: Tussenstand 2026"),
    )
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        verbose_name = _("boek")
        verbose_name_plural = _("boeken")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The HTML is a cache of the Markdown: computing it here keeps the two in step
        # whichever way a book is saved (admin, import, shell).
        self.introduction_html = render_markdown(self.introduction).html
        self.colophon_html = render_markdown(self.colophon).html
        super().save(*args, **kwargs)


class Access(models.TextChoices):
    OPEN = "open", _("Open voor iedereen")
    MEMBERS = "members", _("Alleen voor leden")


def user_is_member(user: Reader) -> bool:
    """Whether `user` may read the chapters for members: holders of a copy, and staff.

    The one access rule of the site starts here; `Chapter.objects.readable_by`,
    `Chapter.is_readable_by` and `Story.objects.visible_to` are built on it, and every
    page, feed, search, form and edition asks them. A copy is a `Membership`, made by
    the members app (a layer above the book) with a one-to-one link to the user: the
    book reads that link by its name and imports nothing of members."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Through the relation rather than an EXISTS query: the membership is then cached on
    # the user object, and the site header, which asks for it on every page, gets it
    # without another query.
    return getattr(user, "membership", None) is not None


def access_allows(access: str, user: Reader) -> bool:
    """Whether a chapter (or an edition's copy of one) with `access` is readable by
    `user` as far as access goes."""
    return access == Access.OPEN or user_is_member(user)


def audience_may_read(*, is_published: bool, access: str, members: bool) -> bool:
    """audience_readable_q for one chapter's values, already read."""
    return is_published and (members or access == Access.OPEN)


def chapter_readable_q(user: Reader, *, prefix: str = "") -> Q:
    """The access rule as a filter on a chapter's fields (`prefix` "chapter__" for rows
    that point at a chapter): published chapters, the members' ones only for members;
    staff read every chapter, published or not."""
    if user.is_authenticated and user.is_staff:
        return Q()
    return audience_readable_q(members=user_is_member(user), prefix=prefix)


def audience_readable_q(*, members: bool, prefix: str = "") -> Q:
    """What every reader of an audience may read: members (`members=True`) or readers
    without a copy. For pages shared by an audience rather than made for one reader."""
    readable = Q(**{f"{prefix}is_published": True})
    if not members:
        readable &= Q(**{f"{prefix}access": Access.OPEN})
    return readable


class ChapterQuerySet(models.QuerySet["Chapter"]):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def visible_to(self, user: Reader) -> Self:
        """Chapters whose page exists for `user`: staff also see unpublished ones."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def readable_by(self, user: Reader) -> Self:
        """Chapters whose text `user` may read (chapter_readable_q)."""
        return self.filter(chapter_readable_q(user))

    def in_order(self) -> Self:
        return self.order_by("number", "pk")


def chapter_url(slug: str) -> str:
    """A chapter's page, from its slug alone (search links chapters it has not loaded as
    models)."""
    return reverse("chapter", kwargs={"slug": slug})


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("volgorde"), default=1)
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    summary = models.TextField(_("samenvatting"), blank=True)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    sections = models.JSONField(editable=False, default=list, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    # The size is stored with the file: the page's <img> needs it, and reading it from
    # the file would open (on S3: fetch) the image on every page view.
    illustration = models.ImageField(
        _("illustratie"),
        upload_to="chapters/",
        blank=True,
        width_field="illustration_width",
        height_field="illustration_height",
    )
    illustration_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    illustration_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    illustration_alt = models.CharField(
        _("beschrijving van de illustratie"), max_length=300, blank=True
    )
    access = models.CharField(
        _("toegang"), max_length=10, choices=Access.choices, default=Access.MEMBERS
    )
    is_published = models.BooleanField(_("gepubliceerd"), default=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    #: Goes up by one whenever something shown beneath the chapter changes (a story,
    #: its reactions and replies, an author's name): the cached story fragments and
    #: story counts are keyed by it. In the database, not the cache, so that every
    #: worker process sees a change at once (book.services.chapter_stories_changed).
    stories_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoofdstuk")
        verbose_name_plural = _("hoofdstukken")
        ordering = ["number", "pk"]
        indexes = [models.Index(fields=["book", "is_published", "number"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Same reason as Book.save: the rendered body, its sections and the word count are
        # caches of `body`, kept in step on every save.
        rendered = render_markdown(self.body, anchors=True)
        self.body_html = rendered.html
        self.sections = rendered.sections
        self.word_count = rendered.word_count
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return chapter_url(self.slug)

    @property
    def is_open(self) -> bool:
        return self.access == Access.OPEN

    def is_readable_by(self, user: Reader) -> bool:
        """This chapter's text for `user`: the rule of chapter_readable_q, for one
        chapter already loaded."""
        if user.is_authenticated and user.is_staff:
            return True
        return audience_may_read(
            is_published=self.is_published, access=self.access, members=user_is_member(user)
        )

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


class ReadingPosition(models.Model):
    """Where a reader left off: the last chapter they opened and, when the browser tells
    us, the last section heading they scrolled past (an anchor id in that chapter).

    `first_members_chapter_at` keeps one fact that the place itself forgets: when the
    reader first opened a chapter for members (the curators' welcome funnel counts it).
    Set once, in the same write that moves the place, and never cleared by reading on
    in an open chapter."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_position"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_members_chapter_at = models.DateTimeField(
        _("eerste hoofdstuk voor leden geopend"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("leespositie")
        verbose_name_plural = _("leesposities")

    def __str__(self) -> str:
        return f"{self.user} → {self.chapter}"

    def get_absolute_url(self) -> str:
        url = self.chapter.get_absolute_url()
        return f"{url}#{self.section}" if self.section_title else url

    @property
    def section_title(self) -> str:
        return next((s["title"] for s in self.chapter.sections if s["id"] == self.section), "")


class ImportRecord(models.Model):
    """What an import that keeps edits (book_import with keep_edits, as load_demo runs it)
    last wrote into a part of the book: the book itself (`part` "book") or one chapter
    ("chapter:<slug>"), as a digest of the fields and the image it set. The next such
    import updates that part only while it still has this digest, and does not make a
    recorded chapter again once it is gone: a curator changed or deleted it."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=220)
    digest = models.CharField(max_length=64)
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("geïmporteerd deel")
        verbose_name_plural = _("geïmporteerde delen")
        constraints = [models.UniqueConstraint(fields=["book", "part"], name="import_record_part")]

    def __str__(self) -> str:
        return self.part


class RevisionSource(models.TextChoices):
    """Where a revision came from."""

    BEGIN = "begin", _("De tekst toen de versies begonnen")
    CURATION = "curation", _("Bewerkt door de redactie")
    ADMIN = "admin", _("Bewerkt in het beheer")
    IMPORT = "import", _("Ingelezen uit bestanden")


class ChapterRevisionQuerySet(models.QuerySet["ChapterRevision"]):
    def readable_by(self, user: Reader) -> Self:
        """Revisions of the chapters whose text `user` may read (chapter_readable_q):
        a revision is chapter text, so it follows the chapter's rule."""
        return self.filter(chapter_readable_q(user, prefix="chapter__"))

    def with_authors(self) -> Self:
        """With each author's membership and profile, for the name they chose to be
        shown under (the members app's relations, read by name)."""
        return self.select_related("author__membership__profile")

    def newest_first(self) -> Self:
        return self.order_by("-number")


class ChapterRevision(models.Model):
    """One saved version of a chapter's text: who saved it, when, and why. Revision 1 is
    the text as it stood when its history began; every later save in the curation area
    adds the next number. Kept after the chapter changes again, so that any two can be
    compared and an edition can say what changed since the previous one."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgeslagen door"),
    )
    message = models.CharField(_("toelichting"), max_length=300, blank=True)
    source = models.CharField(
        _("herkomst"),
        max_length=10,
        choices=RevisionSource.choices,
        default=RevisionSource.CURATION,
    )
    created_at = models.DateTimeField(_("opgeslagen"), auto_now_add=True)

    objects = ChapterRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("hoofdstukversie")
        verbose_name_plural = _("hoofdstukversies")
        ordering = ["chapter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="chapter_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.chapter.title} v{self.number}"
