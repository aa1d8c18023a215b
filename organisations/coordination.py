"""What an organisation's coordinators do: appoint each other, verify and remove
affiliations, and make claim-code batches within the quota a curator set. Who may act is
`may_coordinate`; the views ask it for every request."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from members.models import CodeBatch, Membership
from members.services import code_batch_create

from .models import Coordinator, Organisation, OrganisationBatch


def is_curator(user: User) -> bool:
    return user.is_staff and user.has_perm("organisations.change_organisation")


def may_coordinate(user: User, organisation: Organisation) -> bool:
    """Curators, and the organisation's own coordinators (current members)."""
    if not user.is_authenticated:
        return False
    return (
        is_curator(user)
        or Coordinator.objects.filter(organisation=organisation, membership__user=user).exists()
    )


def coordinated_organisation(user: User, slug: str) -> Organisation:
    """The current organisation `slug` if `user` may coordinate it: 404 when there is
    none, 403 when it is not theirs."""
    organisation = get_object_or_404(Organisation.objects.current(), slug=slug)
    if not may_coordinate(user, organisation):
        raise PermissionDenied
    return organisation


def coordinator_appoint(*, organisation: Organisation, membership: Membership) -> Coordinator:
    """Make a current member a coordinator of `organisation` (once)."""
    if membership.user_id is None:
        raise ValidationError(_("Dit lidnummer hoort niet meer bij iemand."))
    with transaction.atomic():
        coordinator, _created = Coordinator.objects.get_or_create(
            organisation=organisation, membership=membership
        )
        return coordinator


def batch_codes_used(organisation: Organisation) -> int:
    return (
        OrganisationBatch.objects.filter(organisation=organisation).aggregate(n=Sum("batch__size"))[
            "n"
        ]
        or 0
    )


def organisation_batch_create(
    *, organisation: Organisation, label: str, size: int, user: User | None
) -> CodeBatch:
    """A batch of claim codes for the organisation's printed copies, within its quota.
    The organisation's row is locked, so two coordinators at once cannot both take the
    last codes of the quota."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        left = locked.batch_quota - batch_codes_used(locked)
        if size < 1 or size > left:
            raise ValidationError(
                _("Er zijn nog %(left)d codes over van jullie quotum; vraag de redactie om meer.")
                % {"left": max(left, 0)}
            )
        batch = code_batch_create(label=label, size=size, created_by=user, notes=str(locked))
        OrganisationBatch.objects.create(organisation=locked, batch=batch)
        return batch
