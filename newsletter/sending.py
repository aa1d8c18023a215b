"""Sending an issue: the timer (`send_newsletters`) starts each issue whose time has
come by making one PENDING NewsletterDelivery per recipient (unique per issue and
member), then queues the batches that send them, spaced so that no more than
NEWSLETTER_PER_MINUTE mails a minute go out. Each batch sends its rows with
delivery.deliver: a worker stopped halfway leaves the rest PENDING, and the next run of
the timer queues them again; nobody gets the issue twice."""

import math
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from members.models import Membership
from stories.models import NotificationKind
from stories.notifications import absolute_url, compose

from .audience import audience_of
from .content import mail_text
from .delivery import Mail, deliver_pending, enqueue_later
from .models import DeliveryStatus, Issue, IssueStatus, NewsletterDelivery


def issue_context(issue: Issue) -> dict[str, Any]:
    return {
        "issue": issue,
        "text": mail_text(issue.body),
        "issue_url": partial(absolute_url, issue.get_absolute_url()),
    }


def issue_mail(*, issue: Issue, membership: Membership) -> Mail | None:
    """The issue as a mail to `membership`, or None when they switched it off."""
    return compose(
        membership=membership,
        kind=NotificationKind.NEWSLETTER,
        template="issue",
        context=issue_context(issue),
        folder="email/newsletter",
    )


def _delivery_mail(issue: Issue, delivery: NewsletterDelivery) -> Mail | None:
    return issue_mail(issue=issue, membership=delivery.membership)


def delivery_rows(issue: Issue) -> "QuerySet[NewsletterDelivery]":
    return NewsletterDelivery.objects.filter(issue=issue).select_related(
        "membership", "membership__user"
    )


@task
def newsletter_deliver(*, issue_id: int, limit: int) -> dict[str, int]:
    """The worker's part: one batch of an issue's PENDING deliveries; the issue counts
    as sent once none is left."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {}
    counts = deliver_pending(
        rows=delivery_rows(issue), limit=limit, compose=partial(_delivery_mail, issue)
    )
    newsletter_finish(issue=issue)
    return counts


def newsletter_start(*, issue: Issue, now: datetime) -> int | None:
    """Turn a scheduled issue whose time has come into one PENDING row per recipient;
    returns how many, None when another run started it. The conditional UPDATE makes
    this happen once."""
    with transaction.atomic():
        started = Issue.objects.filter(pk=issue.pk, status=IssueStatus.SCHEDULED).update(
            status=IssueStatus.SENDING, sent_at=now
        )
        if not started:
            return None
        recipients = audience_of(issue).values_list("pk", flat=True)
        rows = [
            NewsletterDelivery(issue=issue, membership_id=pk, created_at=now) for pk in recipients
        ]
        NewsletterDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        return len(rows)


def batch_interval() -> timedelta:
    """The time between two batches: NEWSLETTER_BATCH_SIZE mails at the rate allowed."""
    return timedelta(minutes=settings.NEWSLETTER_BATCH_SIZE / settings.NEWSLETTER_PER_MINUTE)


def newsletter_queue(*, issue: Issue, now: datetime) -> int:
    """Queue the batches for the issue's PENDING rows, the first now and each next one a
    batch_interval later; returns how many batches."""
    pending = NewsletterDelivery.objects.filter(issue=issue, status=DeliveryStatus.PENDING).count()
    size = settings.NEWSLETTER_BATCH_SIZE
    batches = math.ceil(pending / size)
    Issue.objects.filter(pk=issue.pk).update(
        queued_until=now + batch_interval() * max(batches - 1, 0)
    )
    for number in range(batches):
        enqueue_later(
            newsletter_deliver,
            run_after=now + batch_interval() * number,
            issue_id=issue.pk,
            limit=size,
        )
    return batches


def newsletter_finish(*, issue: Issue) -> bool:
    """Mark a sending issue SENT once none of its rows is PENDING."""
    with transaction.atomic():
        return bool(
            Issue.objects.filter(pk=issue.pk, status=IssueStatus.SENDING)
            .exclude(deliveries__status=DeliveryStatus.PENDING)
            .update(status=IssueStatus.SENT)
        )


def newsletters_run(*, now: datetime | None = None) -> dict[str, int]:
    """What the timer does: start the issues whose time has come, and queue batches for
    every issue being sent whose earlier batches have all had their turn (a worker
    stopped halfway left rows PENDING: they go out now, once)."""
    now = now or timezone.now()
    counts = {"started": 0, "batches": 0}
    for issue in Issue.objects.due(now).order_by("send_at", "pk"):
        if newsletter_start(issue=issue, now=now) is not None:
            counts["started"] += 1
    waiting = Issue.objects.sending().filter(
        Q(queued_until__isnull=True) | Q(queued_until__lte=now)
    )
    for issue in waiting.order_by("pk"):
        if not newsletter_finish(issue=issue):
            counts["batches"] += newsletter_queue(issue=issue, now=now)
    return counts
