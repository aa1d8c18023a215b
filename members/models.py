from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

    def __str__(self):
        return str(self.last_number)


class CodeBatchQuerySet(models.QuerySet):
    def with_counts(self):
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

    def __str__(self):
        return self.label


class CodeStatus(models.TextChoices):
    AVAILABLE = "available", _("Beschikbaar")
    REDEEMED = "redeemed", _("Geclaimd")
    REVOKED = "revoked", _("Ingetrokken")


class ClaimCodeQuerySet(models.QuerySet):
    def available(self):
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

    def __str__(self):
        return self.display

    @property
    def display(self) -> str:
        return format_code(self.code)


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """The membership of `user`, or None (anonymous users have none)."""
        if not user.is_authenticated:
            return None
        return self.filter(user=user).first()

    def with_origin(self):
        """Memberships with what they need to say how they came about, for lists."""
        return self.select_related("user", "code", "invited_by", "invited_by__user")


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

    def __str__(self):
        return _("Lid nr. %(number)s") % {"number": self.number}


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True)

    def made_by(self, membership):
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

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name or self.token[:8]

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None


def user_is_member(user) -> bool:
    """Whether `user` may read the chapters for members: holders of a copy, and staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user).exists()
