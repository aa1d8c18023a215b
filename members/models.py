import secrets
from datetime import datetime, timedelta
from typing import Self, TypedDict

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations

from book.models import Reader, user_is_member

from .codes import format_code


class How(models.TextChoices):
    DIGITAL = "digital", _("Digitaal exemplaar")
    PRINTED = "printed", _("Gedrukt exemplaar")
    INVITATION = "invitation", _("Uitnodiging")


class MembershipCounter(models.Model):
    """One row (pk=1): the highest member number ever handed out.

    Locked with select_for_update by every claim, so claims take their number one at a
    time, and remembered even when memberships are gone, so no number is handed out twice.
    The row is made by a data migration; services recreate it if a test flushed it."""

    last_number = models.PositiveIntegerField(_("hoogste lidnummer ooit"), default=0)

    class Meta:
        verbose_name = _("teller van lidnummers")
        verbose_name_plural = _("tellers van lidnummers")

    def __str__(self) -> str:
        return str(self.last_number)


class BatchCounts(TypedDict):
    redeemed_count: int
    available_count: int
    revoked_count: int


class CodeBatchQuerySet(models.QuerySet["CodeBatch"]):
    def with_counts(self) -> "CodeBatchQuerySet[WithAnnotations[CodeBatch, BatchCounts]]":
        """Each batch with the number of its codes per status, in one query."""
        return self.annotate(
            redeemed_count=Count("codes", filter=Q(codes__status=CodeStatus.REDEEMED)),
            available_count=Count("codes", filter=Q(codes__status=CodeStatus.AVAILABLE)),
            revoked_count=Count("codes", filter=Q(codes__status=CodeStatus.REVOKED)),
        )


class CodeBatch(models.Model):
    """A print run: the codes printed in (or stuck into) one set of physical books."""

    label = models.CharField(_("naam"), max_length=200)
    size = models.PositiveIntegerField(_("aantal codes"))
    notes = models.TextField(_("notities"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemaakt door"),
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)

    objects = CodeBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("reeks codes")
        verbose_name_plural = _("reeksen codes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class CodeStatus(models.TextChoices):
    AVAILABLE = "available", _("Beschikbaar")
    REDEEMED = "redeemed", _("Geclaimd")
    REVOKED = "revoked", _("Ingetrokken")


class ClaimCodeQuerySet(models.QuerySet["ClaimCode"]):
    def available(self) -> Self:
        return self.filter(status=CodeStatus.AVAILABLE)


class ClaimCode(models.Model):
    """The code printed in a physical copy. Stored normalised (16 Crockford base32
    characters, no dashes); `display` groups it in fours for people.

    Who redeemed it is `redeemed_by`, the reverse side of `Membership.code`: one source of
    truth, with a unique constraint so a code can never make two members."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    batch = models.ForeignKey(
        CodeBatch, on_delete=models.PROTECT, related_name="codes", verbose_name=_("reeks")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CodeStatus.choices,
        default=CodeStatus.AVAILABLE,
        db_index=True,
    )
    redeemed_at = models.DateTimeField(_("geclaimd op"), null=True, blank=True)

    objects = ClaimCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("claimcode")
        verbose_name_plural = _("claimcodes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return format_code(self.code)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Reader) -> "Membership | None":
        """The membership of `user`, or None (anonymous users have none)."""
        if not user.is_authenticated:
            return None
        return self.filter(user=user).first()

    def with_origin(self) -> Self:
        """Memberships with what they need to say how they came about, for lists."""
        return self.select_related("user", "code", "invited_by", "invited_by__user", "invitation")

    def current(self) -> Self:
        """Memberships still held by someone: a member who deleted their account leaves
        a retired row (user NULL) behind so that the number is never handed out again."""
        return self.filter(user__isnull=False)

    def in_directory(self) -> Self:
        """Who appears in "Wie zijn er lid?": current members, except those who chose to
        be hidden. A member without a profile row has the default visibility (name and
        number), so the reverse join must keep them: exclude() does, filter() would not."""
        return (
            self.current()
            .exclude(profile__visibility=Visibility.HIDDEN)
            .select_related("profile")
            .order_by("number")
        )


class Membership(models.Model):
    """Holding a copy of the book. The number is the copy's number: 1, 2, 3 ... in order of
    claiming, unique, and never handed out twice (see services._number_take)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership",
    )
    number = models.PositiveIntegerField(_("lidnummer"), unique=True)
    claimed_at = models.DateTimeField(_("lid sinds"), default=timezone.now)
    how = models.CharField(_("hoe"), max_length=12, choices=How.choices, default=How.DIGITAL)
    code = models.OneToOneField(
        ClaimCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redeemed_by",
        verbose_name=_("code"),
    )
    invited_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitees",
        verbose_name=_("uitgenodigd door"),
    )
    invitation = models.OneToOneField(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_by",
        verbose_name=_("uitnodiging"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["number"]

    def __str__(self) -> str:
        return _("Lid nr. %(number)s") % {"number": self.number}


DEDICATION_MAX_LENGTH = 500
#: An invitation that nobody accepted expires after this many days; the address it was
#: sent to is then deleted (send_invitations).
INVITATION_EXPIRY_DAYS = 90
#: Reminders go out this many days after the invitation was sent, at most one each.
REMINDER_DAYS = (7, 30)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> Self:
        return self.filter(accepted_at__isnull=True)

    def due_to_send(self, now: datetime) -> Self:
        """Open invitations with an address whose send date has come but that were not
        sent yet."""
        return (
            self.open()
            .filter(sent_at__isnull=True, send_on__lte=now.date(), created_at__gt=_expiry(now))
            .exclude(email="")
        )

    def due_for_reminder(self, now: datetime, number: int) -> Self:
        """Open, sent invitations that are owed reminder `number` (1 or 2) today."""
        return (
            self.open()
            .filter(
                reminders_sent=number - 1,
                sent_at__lte=now - timedelta(days=REMINDER_DAYS[number - 1]),
                created_at__gt=_expiry(now),
            )
            .exclude(email="")
        )

    def expired_with_address(self, now: datetime) -> Self:
        """Unaccepted invitations older than INVITATION_EXPIRY_DAYS that still hold an
        address or a dedication."""
        return self.open().filter(created_at__lte=_expiry(now)).exclude(email="")

    def sent_today_by(self, membership: "Membership", now: datetime) -> Self:
        """The e-mail invitations a member made since midnight (the daily cap)."""
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return self.filter(created_by=membership, created_at__gte=midnight).exclude(email="")

    def made_by(self, membership: "Membership") -> Self:
        """A member's invitations, newest first, with whoever accepted them."""
        return (
            self.filter(created_by=membership)
            .select_related("accepted_by", "accepted_by__user")
            .order_by("-created_at", "-pk")
        )


class Invitation(models.Model):
    """A personal link with which a member passes the book on. It works once: the member
    who accepted it is `accepted_by`, the reverse side of `Membership.invitation`."""

    token = models.CharField(_("sleutel"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("gemaakt door"),
    )
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    accepted_at = models.DateTimeField(_("aangenomen op"), null=True, blank=True)
    name = models.CharField(
        _("voor wie"),
        max_length=200,
        blank=True,
        help_text=_("Alleen voor jezelf, om te onthouden aan wie je het boek doorgaf."),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    dedication = models.TextField(
        _("opdracht"),
        blank=True,
        validators=[MaxLengthValidator(DEDICATION_MAX_LENGTH)],
        help_text=_("Platte tekst, hoogstens 500 tekens."),
    )
    chapter = models.ForeignKey(
        "book.Chapter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aanbevolen hoofdstuk"),
    )
    send_on = models.DateField(_("versturen op"), null=True, blank=True)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("herinneringen verstuurd"), default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name or self.token[:8]

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=INVITATION_EXPIRY_DAYS)


def _expiry(now: datetime) -> datetime:
    """Invitations made at or before this moment have expired."""
    return now - timedelta(days=INVITATION_EXPIRY_DAYS)


class DoNotInvite(models.Model):
    """An address that asked not to be invited again, kept only as a keyed hash
    (services.address_hash: HMAC-SHA256 with SECRET_KEY), never in clear."""

    address_hash = models.CharField(_("sleutel van het adres"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("sinds"), default=timezone.now)

    class Meta:
        verbose_name = _("adres dat geen uitnodigingen wil")
        verbose_name_plural = _("adressen die geen uitnodigingen willen")

    def __str__(self) -> str:
        return self.address_hash[:12]


class Role(models.TextChoices):
    RESIDENT = "resident", _("Inwoner")
    ENTREPRENEUR = "entrepreneur", _("Ondernemer")
    GOVERNMENT = "government", _("Overheid")
    CIVIL_SOCIETY = "civil_society", _("Maatschappelijke organisatie")
    OTHER = "other", _("Anders")


class Visibility(models.TextChoices):
    HIDDEN = "hidden", _("Niet in de ledenlijst")
    NAME = "name", _("Alleen mijn naam en nummer")
    FULL = "full", _("Mijn hele profiel: naam, nummer, foto, rol, gemeente en over mij")


BIO_MAX_LENGTH = 500


def card_token_new() -> str:
    return secrets.token_urlsafe(18)


class ProfileQuerySet(models.QuerySet["Profile"]):
    def in_full_directory(self) -> Self:
        """The profiles "Wie zijn er lid?" shows whole (name, number, photo, role,
        municipality, about me): current members who chose to show everything."""
        return self.filter(visibility=Visibility.FULL, membership__user__isnull=False)

    def photo_visible_to(self, user: Reader) -> Self:
        """Profiles whose photo `user` may see, as the pages show it: their own, on the
        profile form; the directory's full profiles, to those it shows them to (members
        and curators, book.models.user_is_member); every one to whoever may view
        profiles in the admin, which previews the photo."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm("members.view_profile"):
            return self.all()
        own = self.filter(membership__user=user)
        if not user_is_member(user):
            return own
        return own | self.in_full_directory()


class Profile(models.Model):
    """What a member tells about themselves. One per membership (not per account):
    only members have a profile, and a member who leaves takes it with them while the
    membership row stays behind, numbered and empty.

    `card_token` makes the member's card shareable: whoever has the link sees the card
    (name, number, date joined), nothing else. A new token ends the old link."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="profile", verbose_name=_("lid")
    )
    display_name = models.CharField(
        _("naam"),
        max_length=80,
        blank=True,
        help_text=_("Zoals andere leden je zien. Je voornaam is genoeg."),
    )
    photo = models.ImageField(_("foto"), upload_to="profiles/", blank=True)
    thumbnail = models.ImageField(upload_to="profiles/", blank=True, editable=False)
    municipality = models.CharField(_("gemeente of organisatie"), max_length=100, blank=True)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    bio = models.TextField(
        _("over mij"),
        blank=True,
        validators=[MaxLengthValidator(BIO_MAX_LENGTH)],
        help_text=_("Een paar zinnen, hoogstens 500 tekens."),
    )
    visibility = models.CharField(
        _("zichtbaarheid in de ledenlijst"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.NAME,
    )
    card_token = models.CharField(
        _("sleutel van de deelbare kaart"), max_length=32, unique=True, default=card_token_new
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self) -> str:
        return self.display_name or str(self.membership)

    @property
    def shows_details(self) -> bool:
        return self.visibility == Visibility.FULL


def membership_chosen_name(membership: Membership) -> str:
    """The name the member chose on their profile; empty when they chose none (or have
    no profile yet). Uses `membership.profile`: select_related it in lists."""
    profile = getattr(membership, "profile", None)
    return profile.display_name if profile is not None else ""


def membership_display_name(membership: Membership) -> str:
    """The member's chosen name, or "Lid nr. N" when they chose none."""
    return membership_chosen_name(membership) or str(membership)


def passed_on_line(membership: Membership) -> str:
    """ "Doorgegeven door Anouk, lid nr. 12: ..." for a member who came in through an
    invitation with a dedication; empty otherwise. Plain text: templates escape it."""
    invitation = membership.invitation
    if invitation is None or not invitation.dedication:
        return ""
    inviter = invitation.created_by
    credit = member_credit(name=membership_chosen_name(inviter), number=inviter.number)
    return _("Doorgegeven door %(credit)s: %(dedication)s") % {
        "credit": credit,
        "dedication": invitation.dedication,
    }


def member_credit(*, name: str, number: int | None) -> str:
    """How a member is credited beneath what they wrote: the name they chose and their
    copy number, each once ("Femke, lid nr. 12"); the number alone without a chosen
    name; "een oud-lid" once neither is known (the account is gone)."""
    if name and number is not None:
        return _("%(name)s, lid nr. %(number)s") % {"name": name, "number": number}
    if number is not None:
        return _("lid nr. %(number)s") % {"number": number}
    return name or str(_("een oud-lid"))
