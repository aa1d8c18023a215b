"""The meetings list, a meeting's page and the calendar feed keep their query counts
from ten meetings to 1,000 meetings with 20,000 registrations (made in bulk by
seed_meetings, the command seed_load runs for the benchmark)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting, Registration
from tests.clients import cold_and_cached_queries
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


def _busiest_upcoming() -> Meeting:
    return (
        Meeting.objects.published()
        .upcoming()
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
        .first()
    )


def _counts(client, member) -> dict[str, int]:
    """The queries of each page with nothing cached, for a member registered for the
    meeting (whose page of it is theirs alone)."""
    meeting = _busiest_upcoming()
    Registration.objects.get_or_create(meeting=meeting, user=member, defaults={"status": "going"})
    paths = {
        "list": reverse("meetings:list"),
        "past": reverse("meetings:list") + "?wanneer=voorbij",
        "filtered": reverse("meetings:list") + "?provincie=OV&online=on",
        "meeting": meeting.get_absolute_url(),
        "calendar": reverse("meetings:calendar"),
    }
    return {name: cold_and_cached_queries(client, path, member)[0] for name, path in paths.items()}


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


def _shared_counts(member) -> dict[tuple[str, str], tuple[int, int]]:
    meeting = _busiest_upcoming()
    # Registered for none (seed_meetings registers whoever there is): the members' pages.
    Registration.objects.filter(user=member).delete()
    anonymous, signed = Client(), Client()
    paths = {
        "list": reverse("meetings:list"),
        "past": reverse("meetings:list") + "?wanneer=voorbij",
        "filtered": reverse("meetings:list") + "?provincie=OV&online=on",
        "second page": reverse("meetings:list") + "?pagina=2",
        "meeting": meeting.get_absolute_url(),
    }
    counts = {}
    for name, path in paths.items():
        counts[name, "anonymous"] = cold_and_cached_queries(anonymous, path)
        counts[name, "member"] = cold_and_cached_queries(signed, path, member)
    return counts


def test_shared_pages_take_the_same_queries_cold_and_cached_for_a_thousand_meetings(chapters):
    member = MembershipFactory().user
    UserFactory.create_batch(PER_MEETING)
    _seed(10)
    small = _shared_counts(member)
    for (name, audience), (miss, hit) in small.items():
        assert hit < miss, (name, audience)
        assert hit <= 3, (name, audience)  # the versions (+ session and user)

    _seed(990)

    assert Meeting.objects.count() == 1000
    assert _shared_counts(member) == small
