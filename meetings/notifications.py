"""The e-mails of the meetings app: a change of time or place, a cancellation, a place
freed for someone on the waiting list. They concern a meeting the person registered
for, so they are not switched off per kind; they go out in the member's language (the
one of their e-mail settings, stories.notifications), through the `send_email` task,
once the change's transaction has committed."""

from django.conf import settings
from django.utils import translation

from core import site_url
from core.tasks import email_after_commit, render_email
from members.models import Membership
from stories.notifications import is_muted, language_of, preferences_for


def _language(user) -> str:
    membership = Membership.objects.for_user(user)
    if membership is None:
        return settings.LANGUAGE_CODE
    return language_of(preferences_for(membership))


def meeting_mail(
    *, users, template: str, context: dict, attachments: list[list[str]] | None = None
) -> int:
    """Queue the e-mail `template` (email/meetings/<template>_subject.txt and
    _message.txt) for each of `users` with an address; returns how many were queued.
    `context` values that are callables are evaluated while rendering, in the
    recipient's language (the meeting's URL then carries it)."""
    if is_muted():
        return 0
    queued = 0
    for user in users:
        if not user.email:
            continue
        with translation.override(_language(user)):
            full = {**context, "site_name": settings.SITE_NAME, "site_url": site_url.site_url()}
            subject, body = render_email(f"email/meetings/{template}", full)
        email_after_commit(subject=subject, body=body, to=user.email, attachments=attachments)
        queued += 1
    return queued


def meeting_url(meeting) -> str:
    return site_url.absolute_url(meeting.get_absolute_url())
