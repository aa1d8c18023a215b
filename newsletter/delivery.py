"""Sending a mail that is a row first (WelcomeMail, NewsletterDelivery): exactly once,
however often the timer runs and wherever a worker is stopped.

`deliver` claims the row with a conditional UPDATE (PENDING -> SENT) and sends the mail
in the same transaction, committing after the mail server took it:

- two workers at once: the second UPDATE waits for the first's row lock and then finds
  the row no longer PENDING, so it sends nothing;
- a worker killed before the commit: the transaction rolls back, the row is PENDING
  again and the next run sends it. (The one window left is a kill between the mail
  server's acceptance and the commit itself.)
- a mail server that refuses: the row becomes FAILED with the reason, and is counted,
  not retried."""

import smtplib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.tasks import Task
from django.utils import timezone

from core.tasks import send_email, unsubscribe_headers

from .models import Delivery, DeliveryStatus

#: (subject, body, to, unsubscribe URL) of one mail; None: nothing to send (skipped).
Mail = tuple[str, str, str, str]


def deliver[T: Delivery](
    *, rows: "models.QuerySet[T]", pk: int, compose: Callable[[T], Mail | None]
) -> str:
    """Send the mail of row `pk` (read from `rows`, with what `compose` needs) once;
    returns its new status, or "" when another run had it already."""
    now = timezone.now()
    manager: Any = rows.model._default_manager
    try:
        with transaction.atomic():
            claimed = manager.filter(pk=pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENT, sent_at=now
            )
            if not claimed:
                return ""
            mail = compose(rows.get(pk=pk))
            if mail is None:
                manager.filter(pk=pk).update(status=DeliveryStatus.SKIPPED, sent_at=None)
                return DeliveryStatus.SKIPPED
            subject, body, to, unsubscribe_url = mail
            send_email.call(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
                headers=unsubscribe_headers(unsubscribe_url),
            )
    except (smtplib.SMTPException, OSError) as error:
        with transaction.atomic():
            manager.filter(pk=pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED, error=str(error)[:200]
            )
        return DeliveryStatus.FAILED
    return DeliveryStatus.SENT


def deliver_pending(
    *, rows: models.QuerySet, limit: int, compose: Callable[[Any], Mail | None]
) -> dict[str, int]:
    """Deliver up to `limit` PENDING rows of `rows`, oldest first; counts by status."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    pks = list(
        rows.filter(status=DeliveryStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    )[:limit]
    for pk in pks:
        status = deliver(rows=rows, pk=pk, compose=compose)
        if status:
            counts[status] += 1
    return counts


def enqueue_later(task: Task, *, run_after: datetime, **arguments: Any) -> None:
    """Queue `task` to run at `run_after` where the backend can wait (the database
    worker); the immediate backend of development and tests runs it now."""
    if task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(**arguments)
