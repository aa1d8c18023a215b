"""The curators' changes to an issue: write, schedule, take back, send a test to
themselves. Sending to the audience is the timer's (sending.py)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from core.tasks import email_after_commit, render_email
from stories.models import NotificationKind
from stories.notifications import absolute_url

from .models import Audience, Issue, IssueStatus
from .sending import issue_context

BODY_MAX_LENGTH = 50_000


class IssueError(Exception):
    """A change that cannot be made; `message` is for the curator."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(message)
        self.message = message


#: The field an audience needs, and what the curator hears when it is missing.
AUDIENCE_FIELDS = {
    Audience.ROLE: ("role", _("Kies de rol van de leden die dit nummer krijgen.")),
    Audience.ORGANISATION: ("organisation", _("Kies de organisatie.")),
    Audience.PROVINCE: ("province", _("Kies de provincie.")),
    Audience.CHAPTER: ("chapter", _("Kies het hoofdstuk waarvan de volgers dit nummer krijgen.")),
    Audience.MEETING: ("meeting", _("Kies de bijeenkomst.")),
}
AUDIENCE_DETAILS = ("role", "organisation", "province", "chapter", "meeting")


def issue_save(*, issue: Issue | None, user: User, **fields: object) -> Issue:
    """Write a new issue or change one that has not gone out. Only the field the
    audience needs is kept; the others are emptied."""
    title = str(fields.get("title") or "").strip()
    body = str(fields.get("body") or "")
    if not title:
        raise IssueError(_("Geef het nummer een titel."))
    if not body.strip():
        raise IssueError(_("Het nummer heeft nog geen tekst."))
    if len(body) > BODY_MAX_LENGTH:
        raise IssueError(_("De tekst is te lang: hoogstens 50.000 tekens."))
    audience = fields.get("audience") or Audience.ALL
    if audience not in Audience.values:
        raise IssueError(_("Kies voor wie dit nummer is."))
    needed = AUDIENCE_FIELDS.get(Audience(audience))
    if needed is not None and not fields.get(needed[0]):
        raise IssueError(needed[1])
    with transaction.atomic():
        if issue is None:
            issue = Issue(created_by=user)
        else:
            issue = Issue.objects.select_for_update().get(pk=issue.pk)
            if not issue.is_editable:
                raise IssueError(_("Dit nummer is al verstuurd en verandert niet meer."))
        issue.title = title
        issue.body = body
        issue.audience = audience
        for name in AUDIENCE_DETAILS:
            value = fields.get(name) if needed is not None and needed[0] == name else None
            setattr(issue, name, value or ("" if name in ("role", "province") else None))
        issue.save()
        return issue


def send_at_check(*, send_at: datetime | None) -> None:
    """IssueError for a moment to send that has passed (a minute's grace for the time
    the form took)."""
    if send_at is not None and send_at < timezone.now() - timedelta(minutes=1):
        raise IssueError(_("Dat moment ligt in het verleden. Kies nu of later."))


def issue_schedule(*, issue: Issue, send_at: datetime | None) -> Issue:
    """Put the issue in line for the timer: at `send_at`, or now."""
    now = timezone.now()
    send_at_check(send_at=send_at)
    with transaction.atomic():
        changed = Issue.objects.filter(
            pk=issue.pk, status__in=(IssueStatus.DRAFT, IssueStatus.SCHEDULED)
        ).update(status=IssueStatus.SCHEDULED, send_at=send_at or now)
        if not changed:
            raise IssueError(_("Dit nummer is al verstuurd en verandert niet meer."))
    issue.refresh_from_db()
    return issue


def issue_unschedule(*, issue: Issue) -> Issue:
    """Back to a draft, as long as the timer has not started sending it."""
    with transaction.atomic():
        changed = Issue.objects.filter(pk=issue.pk, status=IssueStatus.SCHEDULED).update(
            status=IssueStatus.DRAFT, send_at=None
        )
        if not changed:
            raise IssueError(_("Dit nummer is al verstuurd en verandert niet meer."))
    issue.refresh_from_db()
    return issue


def issue_test_send(*, issue: Issue, user: User) -> None:
    """The issue as the members will get it, to the curator's own address only."""
    if not user.email:
        raise IssueError(_("Je account heeft geen e-mailadres om de proef naar te sturen."))
    settings_url = absolute_url(reverse("stories:notifications"))
    context = issue_context(issue) | {
        "site_name": settings.SITE_NAME,
        "kind_label": NotificationKind.NEWSLETTER.label,
        "unsubscribe_url": settings_url,
        "settings_url": settings_url,
    }
    subject, body = render_email("email/newsletter/issue", context)
    email_after_commit(
        subject=gettext("[Proef] %(subject)s") % {"subject": subject}, body=body, to=user.email
    )
