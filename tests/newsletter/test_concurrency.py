"""Workers that take the same batch at once, in real threads with their own database
connections (PostgreSQL's row locks in the PostgreSQL pass, SQLite's write lock in the
default one): every recipient gets the issue once."""

from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.models import DeliveryStatus, IssueStatus
from newsletter.sending import newsletter_deliver, newsletter_start
from tests.factories import IssueFactory, MembershipFactory
from tests.members.test_concurrency import race

WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_workers_at_once_send_each_recipient_the_issue_once():
    members = MembershipFactory.create_batch(12)
    issue = IssueFactory(status=IssueStatus.SCHEDULED, send_at=timezone.now())
    newsletter_start(issue=issue, now=timezone.now())

    outcomes = race(
        lambda _worker: newsletter_deliver.call(issue_id=issue.pk, limit=100), range(WORKERS)
    )

    assert all(isinstance(outcome, dict) for outcome in outcomes), outcomes
    assert sum(outcome[DeliveryStatus.SENT] for outcome in outcomes) == len(members)
    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        {membership.user.email: 1 for membership in members}
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
