"""What pages for members share, here and in the apps above: the member behind a request."""

from django.contrib import messages
from django.utils.translation import gettext as _

from .models import Membership


def membership_or_claim(request) -> Membership | None:
    """The logged-in member's membership, or None after pointing them at the claim page
    (the caller redirects there)."""
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        messages.info(request, _("Je hebt nog geen exemplaar. Claim er hier een."))
    return membership
