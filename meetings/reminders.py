"""The meeting e-mails a timer sends (`send_meeting_reminders`, hourly): the reminder
the day before a meeting and "de nazit staat open" once it has ended; and which meeting
e-mails someone wants (their settings, the one-click links).

Each mail goes out once per registration, however often and however many times at once
the command runs: a conditional UPDATE (`... WHERE reminded_at IS NULL`) claims the
registration, and only the run whose update changed the row queues the mail, in the
same transaction, so a claim that rolls back sends nothing."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import (
    NAZIT_DAYS,
    MailKind,
    MeetingMailSettings,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)
from .notifications import meeting_mail, meeting_url

#: How long before a meeting its reminder goes out: with an hourly timer, about a day.
REMINDER_AHEAD = timedelta(hours=24)


def _claimed(registration: Registration, field: str, now: datetime) -> bool:
    """Whether this run claims `registration`'s mail (`field` still empty)."""
    return (
        Registration.objects.filter(pk=registration.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
        == 1
    )


def reminders_due(now: datetime):
    """Going to a published meeting that starts within REMINDER_AHEAD, not reminded."""
    return (
        Registration.objects.going()
        .filter(
            meeting__status=MeetingStatus.PUBLISHED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMINDER_AHEAD,
            reminded_at__isnull=True,
        )
        .select_related("meeting", "user")
        .order_by("pk")
    )


def nazit_mails_due(now: datetime):
    """Who was there (going, or marked present) at a published meeting that has ended
    and whose nazit is still open, not told yet."""
    return (
        Registration.objects.exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(status=RegistrationStatus.GOING) | Q(attended=True))
        .filter(
            meeting__status=MeetingStatus.PUBLISHED,
            meeting__ends_at__lte=now,
            meeting__ends_at__gt=now - timedelta(days=NAZIT_DAYS),
            nazit_mailed_at__isnull=True,
        )
        .select_related("meeting", "user")
        .order_by("pk")
    )


def _send_each(registrations, *, field: str, kind: str, template: str, now: datetime) -> int:
    sent = 0
    for registration in registrations:
        with transaction.atomic():
            if not _claimed(registration, field, now):
                continue  # another run has it
            meeting = registration.meeting
            sent += meeting_mail(
                users=[registration.user],
                kind=kind,
                template=template,
                context={"meeting": meeting, "meeting_url": lambda m=meeting: meeting_url(m)},
            )
    return sent


def reminders_send(*, now: datetime | None = None) -> int:
    """The reminders due; returns how many e-mails were queued."""
    now = now or timezone.now()
    return _send_each(
        reminders_due(now),
        field="reminded_at",
        kind=MailKind.REMINDERS,
        template="reminder",
        now=now,
    )


def nazit_mails_send(*, now: datetime | None = None) -> int:
    """ "De nazit staat open" to who was there; returns how many were queued."""
    now = now or timezone.now()
    return _send_each(
        nazit_mails_due(now),
        field="nazit_mailed_at",
        kind=MailKind.NAZIT,
        template="nazit",
        now=now,
    )


def mail_settings_for(user) -> MeetingMailSettings:
    """`user`'s choices, or the defaults (unsaved) when they never changed them."""
    found = MeetingMailSettings.objects.filter(user=user).first()
    return found or MeetingMailSettings(user=user)


def mail_settings_update(
    *, user, updates: bool, reminders: bool, nazit: bool
) -> MeetingMailSettings:
    """`user` chooses which meeting e-mails they get."""
    with transaction.atomic():
        preferences, _created = MeetingMailSettings.objects.select_for_update().get_or_create(
            user=user
        )
        preferences.updates = updates
        preferences.reminders = reminders
        preferences.nazit = nazit
        preferences.save()
        return preferences


def mail_unsubscribe(*, user, kind: str) -> MeetingMailSettings:
    """Switch one kind of meeting e-mail off: what a one-click link does."""
    field = MailKind(kind).value
    with transaction.atomic():
        preferences, _created = MeetingMailSettings.objects.select_for_update().get_or_create(
            user=user
        )
        setattr(preferences, field, False)
        preferences.save(update_fields=[field, "updated_at"])
        return preferences
