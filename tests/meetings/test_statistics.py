"""The meetings' row on the curators' statistics page: meetings held per month with
their registrations, attendance, notes, the stories that came of them and the pairs
who want to see each other again, in a constant number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import statistics
from meetings.models import MeetingStatus, RegistrationStatus
from stories.models import Status
from tests.factories import (
    MeetingFactory,
    NoteFactory,
    RegistrationFactory,
    SeeAgainFactory,
    StoryFactory,
)
from tests.markup import select

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _held(month: int, *, registrations=4, attended=3, notes=2, stories=1, pairs=1):
    starts = datetime(2026, month, 10, 19, tzinfo=AMSTERDAM)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + timedelta(hours=2))
    people = [
        RegistrationFactory(meeting=meeting, attended=n < attended).user
        for n in range(registrations)
    ]
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)
    for n in range(notes):
        story = StoryFactory(status=Status.PUBLISHED) if n < stories else None
        NoteFactory(meeting=meeting, story=story)
    StoryFactory(status=Status.PENDING)  # not published: not counted
    for n in range(pairs):
        SeeAgainFactory(meeting=meeting, user=people[2 * n], other=people[2 * n + 1])
        SeeAgainFactory(meeting=meeting, user=people[2 * n + 1], other=people[2 * n])
    SeeAgainFactory(meeting=meeting, user=people[0], other=people[-1])  # one-sided
    return meeting


def test_the_table_counts_what_meetings_gave_per_month():
    _held(3)
    _held(3, registrations=2, attended=0, notes=0, stories=0, pairs=0)
    _held(5, registrations=4, attended=4, notes=1, stories=1, pairs=2)
    MeetingFactory(status=MeetingStatus.CANCELLED, starts_at=datetime(2026, 4, 1, tzinfo=AMSTERDAM))
    MeetingFactory()  # still to come

    table = statistics.meetings_per_month()

    assert table.rows == [
        ["2026-03", 2, 6, 3, 50, 2, 1, 1],
        ["2026-05", 1, 4, 4, 100, 1, 1, 2],
    ]


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        statistics.meetings_per_month()
    return len(queries)


def test_the_table_takes_the_same_queries_for_one_meeting_or_many():
    _held(1)
    one_meeting = _queries()
    for month in range(2, 9):
        _held(month)

    assert _queries() == one_meeting == 4


def test_the_statistics_page_shows_it_and_offers_its_csv(client, curator):
    _held(2)
    client.force_login(curator)

    page = client.get(reverse("statistics"))
    csv = client.get(reverse("statistics_csv", args=["bijeenkomsten"]))

    assert len(select(page, "section#bijeenkomsten table tbody tr")) == 1
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert lines[1].split(",")[:5] == ["2026-02", "1", "4", "3", "75"]
