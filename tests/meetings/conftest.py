from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from meetings.services import MeetingDetails
from tests.factories import MeetingFactory


@pytest.fixture
def details():
    """What a curator fills in for a meeting next week, as a factory of fresh copies."""

    def make(**changes) -> MeetingDetails:
        starts_at = timezone.now().replace(microsecond=0) + timedelta(days=7)
        values = {
            "title": "Samen aan tafel in Zwolle",
            "opening_question": "Wat bracht je hier, los van je functie?",
            "description": "We beginnen met **de nazit**.",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "place": "Stadhuis, Grote Markt 1, Zwolle",
        }
        return MeetingDetails(**(values | changes))

    return make


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(execute=True):` runs what waits for the transaction's commit (the
    e-mails) at the end of the block, as a real commit would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def many_meetings(db):
    """`many_meetings(organisation, n)` adds n announced meetings it hosts (every
    seventh cancelled), an hour apart from tomorrow on, in one query."""

    def add(organisation, n: int) -> None:
        start = timezone.now() + timedelta(days=1)
        Meeting.objects.bulk_create(
            MeetingFactory.build(
                host_organisation=organisation,
                starts_at=start + timedelta(hours=i),
                status=MeetingStatus.CANCELLED if i % 7 == 0 else MeetingStatus.PUBLISHED,
            )
            for i in range(n)
        )

    return add
