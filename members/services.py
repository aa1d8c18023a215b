"""Everything that makes, numbers or uses up a membership, a code or an invitation.

Numbers: every function that creates a Membership first locks the counter row
(select_for_update; on SQLite the IMMEDIATE transaction already holds the write lock), so
memberships are created one at a time and get 1, 2, 3 ... in order. The next number is
max(counter, highest existing number) + 1, so a number pre-assigned in the admin is never
handed out again, and the counter remembers numbers whose rows are gone. The unique
constraint on Membership.number is the last line of defence."""

import secrets
from datetime import date
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from book.models import Chapter, Reader
from book.services import chapter_stories_changed
from core.exports import iso_or_none
from core.images import ProcessedPhoto, files_delete_on_commit, photo_put

from . import invitations
from .codes import MalformedCode, generate_code, normalise_code
from .models import (
    ClaimCode,
    CodeBatch,
    CodeStatus,
    How,
    Invitation,
    Membership,
    MembershipCounter,
    Profile,
    card_token_new,
)

MAX_BATCH_SIZE = 10_000


class ClaimError(Exception):
    """A claim that cannot go through; `message` is for the person who tried."""

    @property
    def message(self) -> StrOrPromise:
        return _("Dat lukte niet.")

    def __str__(self) -> str:
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
    def __init__(self, membership: Membership) -> None:
        super().__init__(membership)
        self.membership = membership

    @property
    def message(self) -> str:
        return _("Je bent al lid, met nummer %(number)s.") % {"number": self.membership.number}


class CodeYours(AlreadyMember):
    """The code of the copy this member claimed themselves: theirs, not "already claimed"."""

    @property
    def message(self) -> str:
        return _("Dit is jouw exemplaar: je bent lid met nummer %(number)s.") % {
            "number": self.membership.number
        }


class AlreadyMemberCodeKept(AlreadyMember):
    """A member entered a valid code: it stays unused, for someone else."""

    @property
    def message(self) -> str:
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
    user: User,
    how: str,
    number: int | None = None,
    code: ClaimCode | None = None,
    invitation: Invitation | None = None,
) -> Membership:
    """Runs inside the caller's atomic block, which holds the counter lock. The profile
    (the defaults, and the card's secret link) comes with the membership, so the pages
    that show them only read."""
    membership = Membership.objects.create(
        user=user,
        number=_number_take(counter, number),
        how=how,
        code=code,
        invitation=invitation,
        invited_by=invitation.created_by if invitation else None,
        claimed_at=timezone.now(),
    )
    Profile.objects.create(membership=membership)
    return membership


def _refuse_if_member(user: User) -> None:
    existing = Membership.objects.filter(user=user).first()
    if existing is not None:
        raise AlreadyMember(existing)


def membership_claim_digital(*, user: User) -> Membership:
    """Make `user` a member with the next number, for a digital copy."""
    with transaction.atomic():
        counter = _counter_lock()
        _refuse_if_member(user)
        return _membership_create(counter=counter, user=user, how=How.DIGITAL)


def membership_assign(
    *, user: User, number: int | None = None, how: str = How.DIGITAL
) -> Membership:
    """For the admin: make `user` a member, with a chosen number (say no. 1 for the
    author) or the next one. A chosen number must be free; automatic numbers then go on
    after the highest number ever given."""
    with transaction.atomic():
        counter = _counter_lock()
        _refuse_if_member(user)
        return _membership_create(counter=counter, user=user, how=how, number=number)


def claim_code_get(*, code: str, user: Reader | None = None) -> ClaimCode:
    """The code someone typed or scanned, if it can still be claimed; raises the
    ClaimError that explains why not. A read: it changes nothing, so the page behind a
    printed copy's QR code can call it on GET. For the member who redeemed the code
    (`user`) it raises CodeYours, which is no failure."""
    try:
        normalised = normalise_code(code)
    except MalformedCode:
        raise CodeMalformed from None
    claim_code = ClaimCode.objects.select_related("redeemed_by").filter(code=normalised).first()
    if claim_code is None:
        raise CodeUnknown
    if claim_code.status == CodeStatus.REVOKED:
        raise CodeRevoked
    if claim_code.status == CodeStatus.REDEEMED:
        holder = getattr(claim_code, "redeemed_by", None)
        if holder is not None and user is not None and user.is_authenticated:
            if holder.user_id == user.pk:
                raise CodeYours(holder)
        raise CodeAlreadyClaimed
    return claim_code


def claim_code_redeem(*, code: str, user: User) -> Membership:
    """Make `user` a member through the code of a printed copy, exactly once per code.

    The conditional UPDATE (only while the code is still available) decides who wins when
    two people enter the same code at once: the loser updates no row and is told the copy
    is already claimed. A member who enters a valid code keeps it unused; one who enters
    the code they redeemed themselves hears it is theirs (CodeYours)."""
    with transaction.atomic():
        counter = _counter_lock()
        claim_code = claim_code_get(code=code, user=user)
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


def code_batch_create(
    *, label: str, size: int, notes: str = "", created_by: User | None = None
) -> CodeBatch:
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


def invitation_create(
    *,
    membership: Membership,
    name: str = "",
    email: str = "",
    dedication: str = "",
    chapter: Chapter | None = None,
    send_on: date | None = None,
    language: str = "",
) -> Invitation:
    """A personal link; with `email`, also sent by the site: today when `send_on` is
    today or empty, else by send_invitations on that day (members.invitations).
    InvitationRefused when it cannot be made."""
    with transaction.atomic():
        fields = invitations.invitation_fields(
            membership=membership,
            email=email,
            dedication=dedication,
            chapter=chapter,
            send_on=send_on,
            language=language,
        )
        invitation = Invitation.objects.create(
            token=secrets.token_urlsafe(24), created_by=membership, name=name.strip(), **fields
        )
        if invitation.send_on and invitation.send_on <= timezone.localdate():
            invitations.invitation_mail_send(invitation=invitation)
        return invitation


def invitation_get(*, token: str) -> Invitation:
    invitation = Invitation.objects.select_related("created_by").filter(token=token).first()
    if invitation is None:
        raise InvitationUnknown
    if not invitation.is_open:
        raise InvitationUsed
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
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


# ---- Profiles and cards ------------------------------------------------------------


def profile_ensure(*, membership: Membership) -> Profile:
    """The member's profile, made with the defaults (name and number in the directory)
    if it is not there yet. Claims make it (_membership_create); memberships made before
    that have none until the member saves their profile or makes their card's link."""
    with transaction.atomic():
        profile, _created = Profile.objects.get_or_create(membership=membership)
        return profile


def profile_update(
    *,
    membership: Membership,
    display_name: str,
    role: str,
    bio: str,
    visibility: str,
    photo: ProcessedPhoto | None = None,
    remove_photo: bool = False,
) -> Profile:
    """Save what the member tells about themselves. `photo` has been through
    core.images (re-encoded, metadata stripped); it replaces the old photo, whose
    files are deleted. `remove_photo` removes the photo without a new one."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(membership=membership)
        if profile.display_name != display_name.strip():
            # Stories show their author's name: the cached story lists must change too.
            chapter_stories_changed()
        profile.display_name = display_name.strip()
        profile.role = role
        profile.bio = bio.strip()
        profile.visibility = visibility
        stale = photo_put(profile, photo=photo, remove=remove_photo)
        profile.full_clean()
        profile.save()
        files_delete_on_commit(stale)
        return profile


def card_link_renew(*, membership: Membership) -> Profile:
    """A new secret for the shareable card: the old link stops working. For a membership
    without a profile yet this makes it, and with it the card's first link."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(membership=membership)
        profile.card_token = card_token_new()
        profile.save(update_fields=["card_token", "updated_at"])
        return profile


# ---- Privacy: this app's part of the download and of the deletion ----------------
#
# community.privacy composes every app's part into the data download and the account
# deletion.


def membership_export(*, user: User, membership: Membership | None) -> dict:
    """The account, membership and profile of `user` as JSON-ready data (their part of
    the data download; `membership` as Membership.objects.with_origin() reads it).

    A read, not a change; it lives beside membership_erase because the two must cover
    the same data: whatever one learns to export, the other must learn to erase."""
    profile = Profile.objects.filter(membership=membership).first() if membership else None
    data: dict[str, Any] = {
        "exported_at": iso_or_none(timezone.now()),
        "site": settings.SITE_NAME,
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso_or_none(user.date_joined),
            "last_login": iso_or_none(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
        },
        "membership": None,
        "profile": None,
    }
    if membership is not None:
        data["membership"] = {
            "number": membership.number,
            "claimed_at": iso_or_none(membership.claimed_at),
            "how": membership.how,
            "code": membership.code.display if membership.code else None,
            "invited_by_number": membership.invited_by.number if membership.invited_by else None,
            "invitations": [
                {
                    "name": invitation.name,
                    "created_at": iso_or_none(invitation.created_at),
                    "accepted_at": iso_or_none(invitation.accepted_at),
                    "accepted_by_number": getattr(
                        getattr(invitation, "accepted_by", None), "number", None
                    ),
                    "email": invitation.email or None,
                    "dedication": invitation.dedication,
                    "chapter": invitation.chapter.title if invitation.chapter else None,
                    "send_on": invitation.send_on.isoformat() if invitation.send_on else None,
                    "sent_at": iso_or_none(invitation.sent_at),
                    "reminders_sent": invitation.reminders_sent,
                }
                for invitation in Invitation.objects.made_by(membership)
                .select_related("chapter")
                .order_by("created_at", "pk")
            ],
            "received_dedication": (
                membership.invitation.dedication if membership.invitation else None
            ),
        }
    if profile is not None:
        data["profile"] = {
            "display_name": profile.display_name,
            "municipality": profile.municipality,
            "role": profile.role,
            "bio": profile.bio,
            "visibility": profile.visibility,
            "photo": profile.photo.name or None,
            "updated_at": iso_or_none(profile.updated_at),
        }
    return data


def _sessions_end(user: User) -> None:
    """Log `user` out everywhere. With sessions in the database (the default) their
    sessions are found and deleted; with sessions in the cache they cannot be listed,
    but a session of a deleted account no longer logs anyone in (Django finds no user
    for it and treats the visitor as anonymous), and it expires on its own."""
    engine = import_module(settings.SESSION_ENGINE)
    if not hasattr(engine.SessionStore, "get_model_class"):
        return
    session_model = engine.SessionStore.get_model_class()
    # Sessions are signed blobs: the user id is inside, so each live one is decoded. A
    # scan, but of live sessions only, and account deletion is rare.
    for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            engine.SessionStore(session.session_key).delete()


def membership_erase(*, user: User, membership: Membership | None) -> int | None:
    """This app's part of deleting `user` (community.privacy.account_delete, in its
    transaction, after the other apps took their part): the profile and its photo files,
    open invitations and the names on used ones, e-mail addresses, sessions and the
    account itself go. The membership row stays, with no user and nothing personal, so
    its number is never handed out again (_number_take also remembers it in the
    counter). Returns that retired number, or None for an account without a copy."""
    with transaction.atomic():
        number = None
        if membership is not None:
            number = membership.number
            profile = Profile.objects.filter(membership=membership).first()
            if profile is not None:
                files_delete_on_commit([profile.photo.name, profile.thumbnail.name])
                profile.delete()
            membership.invitations.filter(accepted_at__isnull=True).delete()
            membership.invitations.update(name="", email="", dedication="")
            membership.user = None
            membership.save(update_fields=["user"])
        _sessions_end(user)
        EmailAddress.objects.filter(user=user).delete()
        user.delete()
        return number
