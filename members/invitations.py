"""Invitations sent by e-mail: the address, a dedication, a recommended chapter and a
send date; the do-not-invite list; reminders and expiry (send_invitations).

No enumeration: an address that belongs to a member is accepted like any other; the
mail is simply not sent (invitation_mail_send), and the inviter hears the same either
way. Only an address on the do-not-invite list is refused outright, as the address
asked for that."""

from datetime import date, datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from core import site_url
from core.tasks import email_after_commit, render_email

from .models import (
    DEDICATION_MAX_LENGTH,
    DoNotInvite,
    Invitation,
    Membership,
    member_credit,
    membership_chosen_name,
)

HASH_SALT = "members.do_not_invite"
STOP_SALT = "members.do_not_invite.link"


class InvitationRefused(Exception):
    """An invitation that cannot be made; `message` is for the inviter."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def address_normalise(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    """The keyed hash (HMAC-SHA256 with SECRET_KEY) under which an address is kept on
    the do-not-invite list: the list cannot be read back into addresses."""
    return salted_hmac(HASH_SALT, address_normalise(email), algorithm="sha256").hexdigest()


def stop_token(email: str) -> str:
    """The signed token of the "nodig mij niet meer uit" link: it carries the hash, not
    the address."""
    return signing.dumps(address_hash(email), salt=STOP_SALT)


def stop_token_read(token: str) -> str | None:
    """The address hash in `token`, or None when the token is not good."""
    try:
        value = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 64 else None


def do_not_invite_add(*, hashed: str) -> None:
    with transaction.atomic():
        DoNotInvite.objects.get_or_create(address_hash=hashed)


def is_unwilling(email: str) -> bool:
    return DoNotInvite.objects.filter(address_hash=address_hash(email)).exists()


def _is_member_address(email: str) -> bool:
    return Membership.objects.filter(
        Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email)
    ).exists()


def invitation_refusals(
    *,
    membership: Membership,
    email: str,
    dedication: str,
    send_on: date | None,
    now: datetime,
) -> None:
    """Raise InvitationRefused for the first reason this invitation cannot be made."""
    if len(dedication) > DEDICATION_MAX_LENGTH:
        raise InvitationRefused(_("Je opdracht is te lang. Gebruik hoogstens 500 tekens."))
    if send_on is not None and send_on < timezone.localdate(now):
        raise InvitationRefused(_("Die verzenddatum ligt in het verleden. Kies vandaag of later."))
    if not email:
        return
    own = membership.user.email if membership.user else ""
    if own and address_normalise(own) == address_normalise(email):
        raise InvitationRefused(
            _("Dat is je eigen e-mailadres. Vul het adres in van wie je het boek geeft.")
        )
    cap = settings.MEMBERS_INVITATIONS_PER_DAY
    if Invitation.objects.sent_today_by(membership, now).count() >= cap:
        raise InvitationRefused(
            _(
                "Je hebt vandaag al %(cap)s uitnodigingen per e-mail gemaakt. "
                "Morgen kan het weer; een link maken kan altijd."
            )
            % {"cap": cap}
        )
    if is_unwilling(email):
        raise InvitationRefused(
            _("Deze uitnodiging kon niet worden verstuurd: dit adres wil geen uitnodigingen.")
        )


def invitation_fields(
    *,
    membership: Membership,
    email: str = "",
    dedication: str = "",
    chapter: Chapter | None = None,
    send_on: date | None = None,
    language: str = "",
) -> dict:
    """The checked fields of a new invitation (InvitationRefused when it cannot be made)."""
    now = timezone.now()
    email = email.strip()
    dedication = dedication.strip()
    invitation_refusals(
        membership=membership, email=email, dedication=dedication, send_on=send_on, now=now
    )
    languages = {code for code, _name in settings.LANGUAGES}
    return {
        "email": email,
        "dedication": dedication,
        "chapter": chapter,
        "send_on": (send_on or timezone.localdate(now)) if email else None,
        "language": language if language in languages else settings.LANGUAGE_CODE,
    }


def _mail(invitation: Invitation, template: str) -> None:
    with translation.override(invitation.language):
        stop_url = site_url.absolute_url(
            reverse("members:do_not_invite", kwargs={"token": stop_token(invitation.email)})
        )
        inviter = invitation.created_by
        context = {
            "site_name": settings.SITE_NAME,
            "invitation": invitation,
            "inviter": member_credit(name=membership_chosen_name(inviter), number=inviter.number),
            "accept_url": site_url.absolute_url(
                reverse("members:invitation", kwargs={"token": invitation.token})
            ),
            "chapter_url": (
                site_url.absolute_url(invitation.chapter.get_absolute_url())
                if invitation.chapter
                else ""
            ),
            "stop_url": stop_url,
        }
        subject, body = render_email(f"email/members/{template}", context)
    email_after_commit(subject=subject, body=body, to=invitation.email, unsubscribe_url=stop_url)


def _may_mail(invitation: Invitation) -> bool:
    """Mail goes only to an address that is not a member's and did not opt out."""
    return not (_is_member_address(invitation.email) or is_unwilling(invitation.email))


def invitation_mail_send(*, invitation: Invitation) -> bool:
    """Send the invitation once: a conditional UPDATE claims it, so two runs at once
    send it once. True when this call sent it."""
    with transaction.atomic():
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, sent_at__isnull=True, accepted_at__isnull=True
        ).update(sent_at=now)
        if claimed:
            # Also when no mail goes out (a member's address): the inviter sees "sent"
            # either way.
            invitation.sent_at = now
        if not claimed or not _may_mail(invitation):
            return False
        _mail(invitation, "invitation")
        return True


def invitation_remind(*, invitation: Invitation, number: int) -> bool:
    """Send reminder `number` (1 or 2) once, like invitation_mail_send."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, reminders_sent=number - 1, accepted_at__isnull=True
        ).update(reminders_sent=number)
        if not claimed or not _may_mail(invitation):
            return False
        _mail(invitation, "invitation_reminder")
        return True


def invitations_expire(*, now: datetime) -> int:
    """Forget the addresses of invitations nobody accepted within their time."""
    with transaction.atomic():
        return Invitation.objects.expired_with_address(now).update(email="")


def invitations_run(*, now: datetime | None = None) -> dict[str, int]:
    """What the timer does: send invitations whose day has come, the reminders that are
    due, and forget the addresses of expired invitations."""
    now = now or timezone.now()
    counts = {"sent": 0, "reminded": 0, "expired": 0}
    related = ("created_by__user", "chapter")
    for invitation in Invitation.objects.due_to_send(now).select_related(*related):
        counts["sent"] += invitation_mail_send(invitation=invitation)
    for number in (1, 2):
        for invitation in Invitation.objects.due_for_reminder(now, number).select_related(*related):
            counts["reminded"] += invitation_remind(invitation=invitation, number=number)
    counts["expired"] = invitations_expire(now=now)
    return counts
