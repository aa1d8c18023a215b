from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class How(models.TextChoices):
    DIGITAL = "digital", _("Digitaal exemplaar")
    PRINTED = "printed", _("Gedrukt exemplaar")
    INVITATION = "invitation", _("Uitnodiging")


class Membership(models.Model):
    """Holding a copy of the book. The number is the copy's number: 1, 2, 3 ... in order of
    claiming, unique, and never handed out twice (see services.membership_number_next)."""

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

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["number"]

    def __str__(self):
        return _("Lid nr. %(number)s") % {"number": self.number}


def user_is_member(user) -> bool:
    """Whether `user` may read the chapters for members: holders of a copy, and staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user).exists()
