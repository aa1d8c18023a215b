"""The e-mails of the meetings app: confirmation, a change of time or place, a
cancellation, a place freed for someone on the waiting list, the reminder the day
before, "de nazit staat open". They go out in the
member's language (the one of their e-mail settings, stories.notifications), through
the `send_email` task, once the change's transaction has committed.

Every one of them can be switched off by its kind (MailKind), on the meetings' e-mail
settings page or with the one-click link it carries (RFC 8058, core.http.one_click).
The link's token is `signing.dumps(user pk)` salted per kind, so a reminder's link
cannot switch off the confirmations. Tokens do not expire: a link in an old e-mail
must still work, and all a leaked one can do is switch one kind of e-mail off."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from core import site_url
from core.tasks import email_after_commit, render_email
from members.models import Membership
from stories.notifications import is_muted, language_of, preferences_for

from .models import MailKind, MeetingMailSettings

TOKEN_SALT = "meetings.unsubscribe."


class BadToken(Exception):
    """A token that was tampered with, or made for another kind of e-mail."""


def unsubscribe_token(*, user, kind: str) -> str:
    return signing.dumps(user.pk, salt=TOKEN_SALT + MailKind(kind).value)


def unsubscribe_user_pk(*, kind: str, token: str) -> int:
    """The account a token was made for; BadToken if it was not made for `kind`."""
    if kind not in MailKind.values:
        raise BadToken(kind)
    try:
        pk = signing.loads(token, salt=TOKEN_SALT + kind)
    except signing.BadSignature as error:
        raise BadToken(kind) from error
    if not isinstance(pk, int):
        raise BadToken(kind)
    return pk


def _language(user) -> str:
    membership = Membership.objects.for_user(user)
    if membership is None:
        return settings.LANGUAGE_CODE
    return language_of(preferences_for(membership))


def opted_out(users, kind: str) -> set[int]:
    """The ids of those among `users` who switched `kind` off, in one query."""
    field = MailKind(kind).value
    return set(
        MeetingMailSettings.objects.filter(
            user__in=[user.pk for user in users], **{field: False}
        ).values_list("user_id", flat=True)
    )


def meeting_mail(
    *,
    users,
    kind: str,
    template: str,
    context: dict,
    attachments: list[list[str]] | None = None,
) -> int:
    """Queue the e-mail `template` (email/meetings/<template>_subject.txt and
    _message.txt) for each of `users` with an address who did not switch `kind` off;
    returns how many were queued. `context` values that are callables are evaluated
    while rendering, in the recipient's language (the meeting's URL then carries it)."""
    if is_muted():
        return 0
    users = [user for user in users if user.email]
    unwilling = opted_out(users, kind) if users else set()
    queued = 0
    for user in users:
        if user.pk in unwilling:
            continue
        with translation.override(_language(user)):
            token = unsubscribe_token(user=user, kind=kind)
            unsubscribe_url = site_url.absolute_url(
                reverse("meetings:unsubscribe", kwargs={"kind": kind, "token": token})
            )
            full = {
                **context,
                "site_name": settings.SITE_NAME,
                "site_url": site_url.site_url(),
                "kind_label": MailKind(kind).label,
                "unsubscribe_url": unsubscribe_url,
                "settings_url": site_url.absolute_url(reverse("meetings:mail_settings")),
            }
            subject, body = render_email(f"email/meetings/{template}", full)
        email_after_commit(
            subject=subject,
            body=body,
            to=user.email,
            unsubscribe_url=unsubscribe_url,
            attachments=attachments,
        )
        queued += 1
    return queued


def meeting_url(meeting) -> str:
    return site_url.absolute_url(meeting.get_absolute_url())
