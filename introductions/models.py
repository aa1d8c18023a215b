"""The marriage bureau: members who say what they know and what they look for, rounds
that introduce two of them, and their answers. Consent first: nothing is inferred,
everything is off until the member switches it on, and two people learn each other's
e-mail address only when both said yes."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Membership
from stories.models import Story, Theme

QUESTION_MAX_LENGTH = 280


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Eens per maand")
    QUARTERLY = "quarterly", _("Eens per kwartaal")


#: The least time between two introductions from rounds, per frequency.
FREQUENCY_DAYS = {Frequency.MONTHLY: 25, Frequency.QUARTERLY: 80}


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("Liefst in het echt")
    ONLINE = "online", _("Liefst online")
    EITHER = "either", _("Allebei goed")


class Reach(models.TextChoices):
    MUNICIPALITY = "municipality", _("In mijn gemeente")
    PROVINCE = "province", _("In mijn provincie")
    ANYWHERE = "anywhere", _("Overal")


class ParticipationQuerySet(models.QuerySet):
    def taking_part(self, *, on=None):
        """Who may be introduced on the date `on` (today): switched on, not paused, a
        current member with an address, not stopped by an open report."""
        on = on or timezone.localdate()
        return self.filter(
            takes_part=True,
            membership__user__isnull=False,
            membership__user__is_active=True,
            stopped_by_report=False,
        ).filter(Q(paused_until__isnull=True) | Q(paused_until__lt=on))


class Participation(models.Model):
    """What a member tells the bureau. One row per member, made the first time they
    save the form; everything off by default."""

    membership = models.OneToOneField(
        Membership,
        on_delete=models.CASCADE,
        related_name="participation",
        verbose_name=_("lid"),
    )
    takes_part = models.BooleanField(_("ik doe mee"), default=False)
    knows = models.ManyToManyField(
        Theme, blank=True, related_name="+", verbose_name=_("hier weet ik iets van")
    )
    seeks = models.ManyToManyField(
        Theme, blank=True, related_name="+", verbose_name=_("hier zoek ik iemand voor")
    )
    question = models.CharField(
        _("een vraag waar ik mee zit"), max_length=QUESTION_MAX_LENGTH, blank=True
    )
    frequency = models.CharField(
        _("hoe vaak"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    format = models.CharField(
        _("hoe"), max_length=10, choices=Format.choices, default=Format.EITHER
    )
    reach = models.CharField(
        _("waar"), max_length=12, choices=Reach.choices, default=Reach.ANYWHERE
    )
    paused_until = models.DateField(_("pauze tot en met"), null=True, blank=True)
    # The bureau's own bookkeeping, never shown to others.
    declined_in_a_row = models.PositiveSmallIntegerField(default=0, editable=False)
    sits_out_next_round = models.BooleanField(default=False, editable=False)
    left_over_last_round = models.BooleanField(default=False, editable=False)
    stopped_by_report = models.BooleanField(default=False, editable=False)
    message_emails = models.BooleanField(
        _("e-mail bij een nieuw bericht"),
        default=True,
        help_text=_("Een e-mail als iemand met wie je kennismaakt je een bericht stuurt."),
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("deelname aan kennismakingen")
        verbose_name_plural = _("deelnames aan kennismakingen")

    def __str__(self):
        return str(self.membership)


class Round(models.Model):
    """One run of match_introductions."""

    started_at = models.DateTimeField(_("gestart"), default=timezone.now)
    participants = models.PositiveIntegerField(_("deelnemers"), default=0)
    pairs = models.PositiveIntegerField(_("voorgesteld"), default=0)
    score = models.PositiveIntegerField(_("totale score"), default=0)
    seconds = models.FloatField(_("duur in seconden"), default=0)

    class Meta:
        verbose_name = _("ronde")
        verbose_name_plural = _("rondes")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class Origin(models.TextChoices):
    ROUND = "round", _("Uit een ronde")
    REQUEST = "request", _("Op verzoek van een lid")
    CURATOR = "curator", _("Door een curator")
    MEETING = "meeting", _("Na een bijeenkomst: jullie willen elkaar allebei terugzien")


class Answer(models.TextChoices):
    PENDING = "pending", _("Nog geen antwoord")
    YES = "yes", _("Ja, graag")
    NO = "no", _("Nu liever niet")


class Met(models.TextChoices):
    UNKNOWN = "", _("Nog niet gevraagd")
    YES = "yes", _("Ja")
    NO = "no", _("Nee")


#: How long an introduction waits for its answers, and when the bureau asks how it went.
ANSWER_DAYS = 14
FOLLOW_UP_DAYS = 21


class IntroductionQuerySet(models.QuerySet):
    def of(self, membership):
        return self.filter(Q(first=membership) | Q(second=membership))

    def open(self):
        return self.filter(
            Q(first_answer=Answer.PENDING) | Q(second_answer=Answer.PENDING),
            created_at__gt=timezone.now() - timedelta(days=ANSWER_DAYS),
        ).exclude(Q(first_answer=Answer.NO) | Q(second_answer=Answer.NO))

    def accepted(self):
        return self.filter(first_answer=Answer.YES, second_answer=Answer.YES)


class Introduction(models.Model):
    """Two members introduced to each other, and what each said. `first` is the one
    with the lower membership id, so a pair is one row whoever was named first."""

    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="introductions"
    )
    origin = models.CharField(_("herkomst"), max_length=10, choices=Origin.choices)
    first = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("lid")
    )
    second = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("lid")
    )
    # Who asked ("stel mij voor aan") or which curator made it; their sentence why.
    asked_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("waarom"), max_length=500, blank=True)
    # Why: theme ids under "first_helps" (what the first knows that the second seeks),
    # "second_helps" (the other way round) and "shared" (what both know or both seek).
    topics = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    first_answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    second_answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    first_met = models.CharField(max_length=3, choices=Met.choices, blank=True, default="")
    second_met = models.CharField(max_length=3, choices=Met.choices, blank=True, default="")
    # An open report ("dit was ongepast"): by whom and when; a curator's decision in
    # the moderation queue closes it (reported back to False).
    reported = models.BooleanField(default=False)
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("kennismaking")
        verbose_name_plural = _("kennismakingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Never the same pair twice.
            models.UniqueConstraint(fields=["first", "second"], name="introduce_a_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="introduction_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first} · {self.second}"

    def side(self, membership) -> str:
        """ "first" or "second": which of the two `membership` is (ValueError if neither)."""
        if membership.pk == self.first_id:
            return "first"
        if membership.pk == self.second_id:
            return "second"
        raise ValueError("not part of this introduction")

    def other(self, membership) -> Membership:
        return self.second if self.side(membership) == "first" else self.first

    def answer_of(self, membership) -> str:
        return getattr(self, f"{self.side(membership)}_answer")

    @property
    def accepted(self) -> bool:
        return self.first_answer == Answer.YES and self.second_answer == Answer.YES

    @property
    def declined(self) -> bool:
        return Answer.NO in (self.first_answer, self.second_answer)

    @property
    def expired(self) -> bool:
        return (
            not self.accepted
            and not self.declined
            and self.created_at <= timezone.now() - timedelta(days=ANSWER_DAYS)
        )


class Block(models.Model):
    """A member who never wants to be introduced to another."""

    blocker = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blokkade")
        verbose_name_plural = _("blokkades")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_a_member_once")
        ]

    def __str__(self):
        return f"{self.blocker} × {self.blocked}"


#: The longest message in a thread, in characters of Markdown.
MESSAGE_MAX_LENGTH = 5000


class MessageQuerySet(models.QuerySet):
    def in_thread(self, introduction: Introduction):
        return (
            self.filter(introduction=introduction)
            .select_related("author__profile")
            .order_by("created_at", "pk")
        )

    def reported(self):
        """Reported and waiting for a curator."""
        return self.filter(reported_at__isnull=False, settled_at__isnull=True)


class Message(models.Model):
    """A message in the thread of two members who both said yes. Only the two read the
    thread; a curator sees a message only once one of them reports it."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("afzender")
    )
    body = models.TextField(_("bericht (Markdown)"), max_length=MESSAGE_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    # Reported by the other member; settled by a curator's decision.
    reported_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(_("verborgen"), default=False)
    hidden_reason = models.CharField(_("reden van verbergen"), max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["introduction", "created_at"])]

    def __str__(self):
        return self.body[:60]


class CoauthorInvitation(models.Model):
    """After an introduction both said yes to, one of the two asks the other to write
    a learning story with them: their own story (a draft, say), which the other, once
    they accept, is credited on and may edit (stories.models.Story.coauthors)."""

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="coauthor_invitations"
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="+", verbose_name=_("verhaal")
    )
    invited = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("uitgenodigd")
    )
    answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging om samen te schrijven")
        verbose_name_plural = _("uitnodigingen om samen te schrijven")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["story", "invited"], name="invite_a_coauthor_once")
        ]

    def __str__(self):
        return f"{self.story} · {self.invited}"
