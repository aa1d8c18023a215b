"""The meetings list, a meeting's page and the calendar feed keep their query counts
from ten meetings to 1,000 meetings with 20,000 registrations (made in bulk by
seed_meetings, the command seed_load runs for the benchmark)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, Registration
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PER_MEETING = 20


def _seed(meetings: int) -> None:
    call_command(
        "seed_meetings",
        meetings=meetings,
        registrations=meetings * PER_MEETING,
        seed=meetings,
        stdout=StringIO(),
    )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _busiest_upcoming() -> Meeting:
    return (
        Meeting.objects.published()
        .upcoming()
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )


def _counts(client, member) -> dict[str, int]:
    meeting = _busiest_upcoming()
    Registration.objects.get_or_create(meeting=meeting, user=member, defaults={"status": "going"})
    return {
        "list": _queries(client, reverse("meetings:list")),
        "past": _queries(client, reverse("meetings:list") + "?wanneer=voorbij"),
        "filtered": _queries(client, reverse("meetings:list") + "?provincie=OV&online=on"),
        "meeting": _queries(client, meeting.get_absolute_url()),
        "calendar": _queries(client, reverse("meetings:calendar")),
    }


def test_constant_queries_with_a_thousand_meetings_and_twenty_thousand_registrations(
    client, chapters
):
    member = MembershipFactory().user
    UserFactory.create_batch(PER_MEETING)
    client.force_login(member)
    _seed(10)
    client.get(reverse("meetings:list"))  # the session and its first-visit writes
    small = _counts(client, member)

    _seed(990)

    assert Meeting.objects.count() == 1000
    assert Registration.objects.count() >= 20_000
    assert _counts(client, member) == small
