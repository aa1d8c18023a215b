"""Meetings ("bijeenkomsten"): members meeting each other around the book, with an open
agenda that the people who come make themselves and a "nazit" afterwards. Every change
of state goes through meetings.services (meetings, registration) and meetings.agenda
(the agenda and the nazit)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from book.models import Access, Chapter, access_allows
from members.models import Membership
from organisations.models import Organisation
from stories.models import Story, count_subquery

#: How long after its end the nazit of a meeting stays open for notes.
NAZIT_DAYS = 14
#: How many upcoming meetings the home page and a chapter page show.
UPCOMING_SHOWN = 3


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    PUBLISHED = "published", _("Gepubliceerd")
    CANCELLED = "cancelled", _("Afgelast")


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MeetingStatus.PUBLISHED)

    def announced(self):
        """Published and cancelled meetings: those with a page for everyone (a cancelled
        one stays, saying so, for whoever had it in their calendar)."""
        return self.filter(status__in=(MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED))

    def proposed(self):
        """The curators' queue: members' proposals, oldest first."""
        return self.filter(status=MeetingStatus.PROPOSED).order_by("created_at", "pk")

    def visible_to(self, user):
        """Meetings whose page exists for `user`: announced ones for everyone; a proposal
        also for its hosts and the one who proposed it, and every proposal for staff."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        if not user.is_authenticated:
            return self.announced()
        own = Q(hosts__user=user) | Q(proposed_by__user=user)
        return self.filter(
            Q(status__in=(MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED))
            | Q(pk__in=Meeting.objects.filter(own).values("pk"))
        )

    def upcoming(self, now=None):
        """Not yet over, soonest first."""
        now = now or timezone.now()
        return self.filter(ends_at__gt=now).order_by("starts_at", "pk")

    def past(self, now=None):
        """Over, most recent first."""
        now = now or timezone.now()
        return self.filter(ends_at__lte=now).order_by("-starts_at", "-pk")

    def about(self, chapter):
        return self.filter(chapters=chapter)

    def online(self):
        return self.exclude(online_url="")

    def next_shown(self, chapter=None):
        """The published meetings the home page (or `chapter`'s page) shows: the next
        UPCOMING_SHOWN that are not over. Their ids and updated_at key those pages in
        the cache (community.pages), so what they show of a meeting must change only
        with its row."""
        meetings = self.published().upcoming()
        if chapter is not None:
            meetings = meetings.about(chapter)
        return meetings[:UPCOMING_SHOWN]

    def hosted_by(self, user):
        return self.filter(hosts__user=user)

    def of_organisation(self, organisation):
        """The meetings `organisation` hosts."""
        return self.filter(host_organisation=organisation)

    def in_province(self, province: str):
        """Meetings hosted by an organisation in `province` (its ISO 3166-2 code): a
        municipality's province is where its meetings are."""
        return self.filter(host_organisation__province=province)

    def for_display(self):
        """With what a meeting card shows, in a fixed number of queries: the number of
        people going annotated, chapters prefetched."""
        return (
            self.annotate(
                going_count=count_subquery(
                    Registration.objects.filter(
                        meeting=OuterRef("pk"), status=RegistrationStatus.GOING
                    ),
                    "meeting",
                )
            )
            .select_related("host_organisation")
            .prefetch_related(
                models.Prefetch("chapters", queryset=Chapter.objects.only("pk", "title", "slug"))
            )
        )


def meeting_photo_path(instance, filename: str) -> str:
    return f"meetings/{filename}"


class Meeting(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    opening_question = models.CharField(
        _("openingsvraag"),
        max_length=300,
        blank=True,
        help_text=_("Bijvoorbeeld: Wat bracht je hier, los van je functie?"),
    )
    description = models.TextField(_("beschrijving (Markdown)"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    place = models.CharField(_("plaats (adres)"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    chapters = models.ManyToManyField(
        Chapter, blank=True, related_name="meetings", verbose_name=_("hoofdstukken")
    )
    hosts = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("gastheren en -vrouwen"),
    )
    host_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("organisatie die ontvangt"),
    )
    proposed_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_meetings",
        verbose_name=_("voorgesteld door"),
    )
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"), null=True, blank=True, help_text=_("Leeg: geen grens.")
    )
    audience = models.CharField(
        _("voor wie"), max_length=10, choices=Access.choices, default=Access.OPEN
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PROPOSED,
        db_index=True,
    )
    photo = models.ImageField(_("foto"), upload_to=meeting_photo_path, blank=True)
    thumbnail = models.ImageField(upload_to=meeting_photo_path, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(_("beschrijving van de foto"), max_length=300, blank=True)
    #: The calendar's SEQUENCE: raised by every change a calendar should pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    #: Raised by every change its page shows beyond the meeting's own row: registrations
    #: (places left, the waiting list), the agenda and the nazit
    #: (meetings.services.meeting_page_changed); the cached pages are keyed by it and
    #: `updated_at`. Not `updated_at` itself: the home and chapter pages are keyed by
    #: that and show none of these.
    page_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="meeting_capacity_positive",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""), name="meeting_has_a_place"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"slug": self.slug})

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_published(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def is_over(self) -> bool:
        return timezone.now() >= self.ends_at

    @property
    def nazit_closes_at(self):
        return self.ends_at + timedelta(days=NAZIT_DAYS)

    @property
    def nazit_is_open(self) -> bool:
        return self.ends_at <= timezone.now() < self.nazit_closes_at

    @property
    def members_only(self) -> bool:
        return self.audience == Access.MEMBERS

    def admits(self, user) -> bool:
        """Whether `user` may register: the book's access rule, applied to the audience."""
        return user.is_authenticated and access_allows(self.audience, user)

    def is_hosted_by(self, user) -> bool:
        return user.is_authenticated and self.hosts.filter(user=user).exists()


class RegistrationStatus(models.TextChoices):
    GOING = "going", _("Ik kom")
    WAITING = "waiting", _("Op de wachtlijst")
    CANCELLED = "cancelled", _("Afgemeld")


class RegistrationQuerySet(models.QuerySet):
    def going(self):
        return self.filter(status=RegistrationStatus.GOING)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)


class Registration(models.Model):
    """Someone who means to come to a meeting, or waits for a place. An account is
    enough for an open meeting; the person need not hold a copy of the book."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    bringing = models.CharField(
        _("wat ik meebreng"),
        max_length=500,
        blank=True,
        help_text=_("Een vraag of een verhaal, kort."),
    )
    attended = models.BooleanField(_("was erbij"), default=False)
    #: When the reminder the day before and the "de nazit staat open" mail were claimed
    #: for this registration (meetings.reminders): each goes out once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    nazit_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="registration_once_per_user")
        ]
        indexes = [models.Index(fields=["meeting", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} · {self.meeting}"


class AgendaState(models.TextChoices):
    OPEN = "open", _("Open")
    DISCUSSED = "discussed", _("Besproken")
    PARKED = "parked", _("Geparkeerd")


class AgendaItemQuerySet(models.QuerySet):
    def parked(self):
        return self.filter(state=AgendaState.PARKED)

    def for_display(self, user=None):
        """In the hosts' order, with the number of supporters and whether `user` is one."""
        queryset = self.annotate(
            support_count=count_subquery(AgendaSupport.objects.filter(item=OuterRef("pk")), "item")
        ).order_by("position", "created_at", "pk")
        if user is not None and user.is_authenticated:
            queryset = queryset.annotate(
                supported=Exists(AgendaSupport.objects.filter(item=OuterRef("pk"), user=user))
            )
        return queryset


class AgendaItem(models.Model):
    """Something a registered person wants to talk about at the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingebracht door"),
    )
    title = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("toelichting"), max_length=1000, blank=True)
    position = models.PositiveIntegerField(_("volgorde"), default=0)
    state = models.CharField(
        _("stand"), max_length=10, choices=AgendaState.choices, default=AgendaState.OPEN
    )
    #: The parked item of an earlier meeting this one carries on (its author and
    #: supporters came with it).
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_to",
        verbose_name=_("meegenomen van"),
    )
    created_at = models.DateTimeField(_("ingebracht op"), default=timezone.now)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["position", "created_at", "pk"]

    def __str__(self):
        return self.title


class AgendaSupport(models.Model):
    """Someone else who wants an item discussed ("dit wil ik ook bespreken")."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="agenda_support_once")]

    def __str__(self):
        return f"{self.user_id} · {self.item_id}"


class NoteQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("author", "story").order_by("created_at", "pk")


class Note(models.Model):
    """The nazit: what someone who was there takes home from a meeting. A note can
    become a learning story (`story`), which then goes through moderation as any."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    # Nullable: a note can stay in the nazit, anonymised, when its author leaves.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_notes",
    )
    body = models.TextField(_("wat ik meeneem"), max_length=2000)
    story = models.ForeignKey(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_notes",
        verbose_name=_("leerverhaal"),
    )
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities van de nazit")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class MailKind(models.TextChoices):
    """The meeting e-mails someone can switch off, each with its own one-click link.
    The values are the field names on MeetingMailSettings."""

    UPDATES = "updates", _("Bevestigingen en wijzigingen van bijeenkomsten")
    REMINDERS = "reminders", _("Herinneringen de dag voor een bijeenkomst")
    NAZIT = "nazit", _("Bericht dat de nazit openstaat")


class MeetingMailSettings(models.Model):
    """Which meeting e-mails someone wants. Per account, not per membership: people
    without a copy come to open meetings too. Without a row they get every kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_mail_settings"
    )
    updates = models.BooleanField(
        _("bevestigingen en wijzigingen"),
        default=True,
        help_text=_("Je aanmelding, een nieuwe tijd of plaats, een afgelasting, een vrije plaats."),
    )
    reminders = models.BooleanField(
        _("herinneringen"),
        default=True,
        help_text=_("Een e-mail de dag voor een bijeenkomst waarvoor je bent aangemeld."),
    )
    nazit = models.BooleanField(
        _("de nazit staat open"),
        default=True,
        help_text=_(
            "Een e-mail als de bijeenkomst voorbij is en je kunt opschrijven wat je meeneemt."
        ),
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("e-mailvoorkeuren voor bijeenkomsten")
        verbose_name_plural = _("e-mailvoorkeuren voor bijeenkomsten")

    def __str__(self):
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, MailKind(kind).value))


class SeeAgainQuerySet(models.QuerySet):
    def mutual(self):
        """Marks answered by the other one's mark at the same meeting."""
        return self.filter(
            Exists(
                SeeAgain.objects.filter(
                    meeting=OuterRef("meeting"), user=OuterRef("other"), other=OuterRef("user")
                )
            )
        )


class SeeAgain(models.Model):
    """ "Wie wil je terugzien?": after a meeting, `user` would like to see `other`, who
    was there too, again. Only a mark answered by the other's is ever shown or told;
    a one-sided mark stays with the one who made it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="see_again")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SeeAgainQuerySet.as_manager()

    class Meta:
        verbose_name = _("wil terugzien")
        verbose_name_plural = _("willen terugzien")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "other"], name="see_again_once"),
            models.CheckConstraint(condition=~Q(user=models.F("other")), name="see_again_not_self"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.other_id} · {self.meeting_id}"


def meetings_of_stories(story_pks: list[int]) -> dict[int, Meeting]:
    """The meeting each of these stories came from (through a nazit note), by story
    id, with its host organisation: one query."""
    notes = (
        Note.objects.filter(story__in=story_pks)
        .select_related("meeting__host_organisation")
        .order_by("created_at", "pk")
    )
    found: dict[int, Meeting] = {}
    for note in notes:
        if note.story_id is not None:
            found.setdefault(note.story_id, note.meeting)
    return found
