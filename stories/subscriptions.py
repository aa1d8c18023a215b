"""What a member subscribes to in the stories app: the chapters they follow (for the
daily digest) and which story e-mails they want, in which language. The models live in
their own module, which stories.models imports, so that models.py stays one sitting's
read; they import nothing from the app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from members.models import Membership


class NotificationKind(models.TextChoices):
    """The e-mails a member can switch off, each with its own unsubscribe link. The
    values are the field names on NotificationSettings."""

    STORY_UPDATES = "story_updates", _("Nieuws over mijn verhalen")
    REPLIES = "replies", _("Reacties op mijn verhalen")
    DIGEST = "digest", _("Dagelijks overzicht van de hoofdstukken die ik volg")
    WELCOME = "welcome", _("Welkomstmails in mijn eerste weken")
    NEWSLETTER = "newsletter", _("Nieuws uit de gemeenschap")


class NotificationSettings(models.Model):
    """Which story e-mails a member wants, in which language, and when they last got a
    daily digest. A member without a row gets every e-mail, in Dutch: the row is made
    the first time they change something or a digest is sent to them."""

    membership = models.OneToOneField(
        Membership,
        on_delete=models.CASCADE,
        related_name="story_notifications",
        verbose_name=_("lid"),
    )
    story_updates = models.BooleanField(
        _("nieuws over mijn verhalen"),
        default=True,
        help_text=_("Een e-mail als een curator je verhaal plaatst, uitlicht of verbergt."),
    )
    replies = models.BooleanField(
        _("reacties op mijn verhalen"),
        default=True,
        help_text=_("Een e-mail als iemand op je verhaal reageert."),
    )
    digest = models.BooleanField(
        _("dagelijks overzicht"),
        default=True,
        help_text=_(
            "Hoogstens één e-mail per dag met de nieuwe verhalen bij de hoofdstukken die je volgt."
        ),
    )
    welcome = models.BooleanField(
        _("welkomstmails"),
        default=True,
        help_text=_(
            "Vier korte e-mails in je eerste drie weken: verder lezen, je profiel, "
            "een bijeenkomst of je eerste leerverhaal."
        ),
    )
    newsletter = models.BooleanField(
        _("nieuws uit de gemeenschap"),
        default=True,
        help_text=_("De nieuwsbrief die de redactie af en toe stuurt."),
    )
    # The interface language the member last saved these settings in; e-mails are
    # written in it. Empty: the site's language.
    language = models.CharField(_("taal"), max_length=10, blank=True)
    last_digest_at = models.DateTimeField(
        _("laatste overzicht verstuurd op"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("e-mailvoorkeuren")
        verbose_name_plural = _("e-mailvoorkeuren")

    def __str__(self) -> str:
        return str(self.membership)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, NotificationKind(kind).value))


class ChapterFollow(models.Model):
    """A member following a chapter: its new stories come in their daily digest."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="chapter_follows"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(_("volgt sinds"), default=timezone.now)

    class Meta:
        verbose_name = _("gevolgd hoofdstuk")
        verbose_name_plural = _("gevolgde hoofdstukken")
        constraints = [
            models.UniqueConstraint(fields=["membership", "chapter"], name="follow_chapter_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.chapter}"
