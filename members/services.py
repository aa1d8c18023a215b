"""Everything that makes, numbers or uses up a membership, a code or an invitation.

Numbers: every function that creates a Membership first locks the counter row
(select_for_update; on SQLite the IMMEDIATE transaction already holds the write lock), so
memberships are created one at a time and get 1, 2, 3 ... in order. The next number is
max(counter, highest existing number) + 1, so a number pre-assigned in the admin is never
handed out again, and the counter remembers numbers whose rows are gone. The unique
constraint on Membership.number is the last line of defence."""

import secrets

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import MalformedCode, generate_code, normalise_code
from .models import (
    ClaimCode,
    CodeBatch,
    CodeStatus,
    How,
    Invitation,
    Membership,
    MembershipCounter,
)

MAX_BATCH_SIZE = 10_000


class ClaimError(Exception):
    """A claim that cannot go through; `message` is for the person who tried."""

    message = _("Dat lukte niet.")

    def __str__(self):
        return str(self.message)


class CodeMalformed(ClaimError):
    message = _("Dat is geen geldige code. Een code heeft 16 tekens, zoals 7KQ4-M2XD-9TRA-5B1C.")


class CodeUnknown(ClaimError):
    message = _("Deze code kennen we niet. Controleer of je hem goed hebt overgenomen.")


class CodeRevoked(ClaimError):
    message = _("Deze code is ingetrokken en geeft geen lidmaatschap meer.")


class CodeAlreadyClaimed(ClaimError):
    message = _("Dit exemplaar is al geclaimd.")


class InvitationUnknown(ClaimError):
    message = _("Deze uitnodiging kennen we niet. Vraag om een nieuwe link.")


class InvitationUsed(ClaimError):
    message = _("Deze uitnodiging is al gebruikt. Een uitnodiging werkt één keer.")


class NumberTaken(ClaimError):
    message = _("Dit lidnummer is al vergeven.")


class AlreadyMember(ClaimError):
    def __init__(self, membership: Membership):
        super().__init__(membership)
        self.membership = membership

    @property
    def message(self):
        return _("Je bent al lid, met nummer %(number)s.") % {"number": self.membership.number}


class AlreadyMemberCodeKept(AlreadyMember):
    """A member entered a valid code: it stays unused, for someone else."""

    @property
    def message(self):
        return _(
            "Je bent al lid, met nummer %(number)s. Deze code blijft ongebruikt: "
            "geef het boek door aan iemand die nog geen lid is."
        ) % {"number": self.membership.number}


def _counter_lock() -> MembershipCounter:
    counter, _created = MembershipCounter.objects.select_for_update().get_or_create(pk=1)
    return counter


def _number_take(counter: MembershipCounter, number: int | None = None) -> int:
    highest = Membership.objects.aggregate(highest=Max("number"))["highest"] or 0
    if number is None:
        number = max(counter.last_number, highest) + 1
    elif Membership.objects.filter(number=number).exists():
        raise NumberTaken
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    return number


def _membership_create(
    *,
    counter: MembershipCounter,
    user,
    how: str,
    number: int | None = None,
    code: ClaimCode | None = None,
    invitation: Invitation | None = None,
) -> Membership:
    """Runs inside the caller's atomic block, which holds the counter lock."""
    return Membership.objects.create(
        user=user,
        number=_number_take(counter, number),
        how=how,
        code=code,
        invitation=invitation,
        invited_by=invitation.created_by if invitation else None,
        claimed_at=timezone.now(),
    )


def _refuse_if_member(user) -> None:
    existing = Membership.objects.filter(user=user).first()
    if existing is not None:
        raise AlreadyMember(existing)


def membership_claim_digital(*, user) -> Membership:
    """Make `user` a member with the next number, for a digital copy."""
    with transaction.atomic():
        counter = _counter_lock()
        _refuse_if_member(user)
        return _membership_create(counter=counter, user=user, how=How.DIGITAL)


def membership_assign(*, user, number: int | None = None, how: str = How.DIGITAL) -> Membership:
    """For the admin: make `user` a member, with a chosen number (say no. 1 for the
    author) or the next one. A chosen number must be free; automatic numbers then go on
    after the highest number ever given."""
    with transaction.atomic():
        counter = _counter_lock()
        _refuse_if_member(user)
        return _membership_create(counter=counter, user=user, how=how, number=number)


def claim_code_get(*, code: str) -> ClaimCode:
    """The code someone typed or scanned, if it can still be claimed; raises the
    ClaimError that explains why not."""
    try:
        normalised = normalise_code(code)
    except MalformedCode:
        raise CodeMalformed from None
    claim_code = ClaimCode.objects.filter(code=normalised).first()
    if claim_code is None:
        raise CodeUnknown
    if claim_code.status == CodeStatus.REVOKED:
        raise CodeRevoked
    if claim_code.status == CodeStatus.REDEEMED:
        raise CodeAlreadyClaimed
    return claim_code


def claim_code_redeem(*, code: str, user) -> Membership:
    """Make `user` a member through the code of a printed copy, exactly once per code.

    The conditional UPDATE (only while the code is still available) decides who wins when
    two people enter the same code at once: the loser updates no row and is told the copy
    is already claimed. A member who enters a valid code keeps it unused."""
    with transaction.atomic():
        counter = _counter_lock()
        claim_code = claim_code_get(code=code)
        existing = Membership.objects.filter(user=user).first()
        if existing is not None:
            raise AlreadyMemberCodeKept(existing)
        now = timezone.now()
        taken = ClaimCode.objects.filter(pk=claim_code.pk, status=CodeStatus.AVAILABLE).update(
            status=CodeStatus.REDEEMED, redeemed_at=now
        )
        if not taken:
            claim_code.refresh_from_db(fields=["status"])
            raise CodeRevoked if claim_code.status == CodeStatus.REVOKED else CodeAlreadyClaimed
        claim_code.status, claim_code.redeemed_at = CodeStatus.REDEEMED, now
        return _membership_create(counter=counter, user=user, how=How.PRINTED, code=claim_code)


def code_batch_create(*, label: str, size: int, notes: str = "", created_by=None) -> CodeBatch:
    """A batch of `size` fresh codes for a print run."""
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise ValueError(f"size must be between 1 and {MAX_BATCH_SIZE}")
    with transaction.atomic():
        batch = CodeBatch.objects.create(label=label, size=size, notes=notes, created_by=created_by)
        codes: set[str] = set()
        while len(codes) < size:
            codes.add(generate_code())
        # 80 random bits make a clash with an older code all but impossible; should one
        # happen, the unique constraint refuses the batch rather than sharing a code.
        ClaimCode.objects.bulk_create(ClaimCode(code=code, batch=batch) for code in codes)
        return batch


def claim_codes_revoke(*, codes: QuerySet[ClaimCode]) -> int:
    """Revoke the given codes that are still available (redeemed codes stay as they
    are). Returns how many were revoked."""
    with transaction.atomic():
        return codes.filter(status=CodeStatus.AVAILABLE).update(status=CodeStatus.REVOKED)


def code_batch_revoke(*, batch: CodeBatch) -> int:
    return claim_codes_revoke(codes=batch.codes.all())


def invitation_create(*, membership: Membership, name: str = "") -> Invitation:
    with transaction.atomic():
        return Invitation.objects.create(
            token=secrets.token_urlsafe(24), created_by=membership, name=name.strip()
        )


def invitation_get(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("created_by").filter(token=token).first()
    if invitation is None:
        raise InvitationUnknown
    if not invitation.is_open:
        raise InvitationUsed
    return invitation


def invitation_accept(*, token: str, user) -> Membership:
    """Make `user` a member through a member's invitation; it works once (a conditional
    UPDATE, as for codes)."""
    with transaction.atomic():
        counter = _counter_lock()
        invitation = invitation_get(token=token)
        _refuse_if_member(user)
        now = timezone.now()
        taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=now
        )
        if not taken:
            raise InvitationUsed
        invitation.accepted_at = now
        return _membership_create(
            counter=counter, user=user, how=How.INVITATION, invitation=invitation
        )
