"""The community's own mail to its members: the welcome sequence after claiming a copy
and the newsletter "Nieuws uit de gemeenschap".

Every mail that goes to a member is a row before it is sent (WelcomeMail,
NewsletterDelivery), unique per member and step or issue, so that running the timer
again, or a worker restarted halfway, never sends one twice (see delivery.py)."""

from datetime import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from meetings.models import Meeting
from members.models import Membership, Role
from organisations.models import Organisation, Province


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Klaar om te versturen")
    SENT = "sent", _("Verstuurd")
    SKIPPED = "skipped", _("Overgeslagen")
    FAILED = "failed", _("Mislukt")


class Delivery(models.Model):
    """One mail to one member: made PENDING, then claimed by the conditional UPDATE
    that sends it (delivery.deliver)."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    error = models.CharField(_("fout"), max_length=200, blank=True)

    class Meta:
        abstract = True


class Step(models.TextChoices):
    """The welcome sequence; the value's number is the day after claiming."""

    WELCOME = "day0", _("Dag 0: welkom, met je nummer en je kaart")
    READ_ON = "day3", _("Dag 3: lees verder en volg een hoofdstuk")
    PROFILE = "day10", _("Dag 10: vertel wie je bent")
    TAKE_PART = "day21", _("Dag 21: kom naar een bijeenkomst of schrijf je eerste leerverhaal")

    @property
    def days(self) -> int:
        return int(self.value.removeprefix("day"))


class WelcomeMail(Delivery):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="welcome_mails", verbose_name=_("lid")
    )
    step = models.CharField(_("stap"), max_length=8, choices=Step.choices)

    class Meta:
        verbose_name = _("welkomstmail")
        verbose_name_plural = _("welkomstmails")
        ordering = ["membership", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "step"], name="welcome_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {self.get_step_display()}"


class Audience(models.TextChoices):
    ALL = "all", _("Alle leden")
    ROLE = "role", _("Leden met een rol")
    ORGANISATION = "organisation", _("Leden van een organisatie")
    PROVINCE = "province", _("Leden in een provincie")
    CHAPTER = "chapter", _("Wie een hoofdstuk volgt")
    MEETING = "meeting", _("Wie zich voor een bijeenkomst aanmeldde")


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SCHEDULED = "scheduled", _("Ingepland")
    SENDING = "sending", _("Wordt verstuurd")
    SENT = "sent", _("Verstuurd")


class IssueQuerySet(models.QuerySet["Issue"]):
    def archived(self) -> Self:
        """The public archive: issues that went out, newest first."""
        return self.filter(status__in=(IssueStatus.SENDING, IssueStatus.SENT)).order_by(
            "-sent_at", "-pk"
        )

    def due(self, now: datetime) -> Self:
        return self.filter(status=IssueStatus.SCHEDULED, send_at__lte=now)

    def sending(self) -> Self:
        return self.filter(status=IssueStatus.SENDING)


class Issue(models.Model):
    """An issue of "Nieuws uit de gemeenschap", written by the curators in Markdown.
    A block between a line `:::leden` and a line `:::` is for members only: the mail to
    members has it, the public archive shows a note in its place."""

    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst (Markdown)"))
    audience = models.CharField(
        _("voor wie"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    province = models.CharField(_("provincie"), max_length=2, choices=Province.choices, blank=True)
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hoofdstuk"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bijeenkomst"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    send_at = models.DateTimeField(_("versturen op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    #: Until when the batches already queued run; the timer queues more only after it.
    queued_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("nieuwsbrief")
        verbose_name_plural = _("nieuwsbrieven")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED)


class NewsletterDelivery(Delivery):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("nieuwsbrief")
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="newsletter_deliveries",
        verbose_name=_("lid"),
    )

    class Meta:
        verbose_name = _("verzending van een nieuwsbrief")
        verbose_name_plural = _("verzendingen van nieuwsbrieven")
        ordering = ["issue", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "membership"], name="newsletter_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.membership}"
