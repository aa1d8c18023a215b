"""The .ics of a meeting and the feed, parsed back with icalendar."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from meetings.models import MeetingStatus
from meetings.services import meeting_cancel, meeting_create, meeting_update
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
HOST = urlsplit(settings.SITE_URL).hostname


def _events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_a_meeting_as_ics_with_a_stable_uid_and_amsterdam_time(client, curator, details):
    meeting = meeting_create(user=curator, details=details(capacity=5))
    url = reverse("meetings:ics", kwargs={"slug": meeting.slug})

    (event,) = _events(client.get(url))

    assert str(event["UID"]) == f"meeting-{meeting.pk}@{HOST}"
    assert event["SUMMARY"] == "Samen aan tafel in Zwolle"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["URL"] == f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}"
    assert event["LOCATION"] == "Stadhuis, Grote Markt 1, Zwolle"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/Amsterdam"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    calendar = Calendar.from_ical(client.get(url).content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]


def test_every_change_raises_the_sequence_and_cancelling_says_so(client, curator, details):
    meeting = meeting_create(user=curator, details=details())
    url = reverse("meetings:ics", kwargs={"slug": meeting.slug})
    (before,) = _events(client.get(url))

    later = details()
    later.starts_at += timedelta(hours=1)
    later.ends_at += timedelta(hours=1)
    meeting_update(meeting=meeting, user=curator, details=later)
    (changed,) = _events(client.get(url))
    meeting_cancel(meeting=meeting, user=curator)
    (cancelled,) = _events(client.get(url))

    assert before["UID"] == changed["UID"] == cancelled["UID"]
    assert (before["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert changed.decoded("DTSTART") == later.starts_at
    assert cancelled["STATUS"] == "CANCELLED"


def test_the_feed_holds_the_announced_meetings_only(client):
    published = MeetingFactory()
    cancelled = MeetingFactory(status=MeetingStatus.CANCELLED)
    MeetingFactory(status=MeetingStatus.PROPOSED)

    events = _events(client.get(reverse("meetings:calendar")))

    assert {str(e["UID"]) for e in events} == {
        f"meeting-{published.pk}@{HOST}",
        f"meeting-{cancelled.pk}@{HOST}",
    }
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "CANCELLED"}


def test_a_proposal_has_no_ics_for_others(client):
    proposal = MeetingFactory(status=MeetingStatus.PROPOSED)
    assert client.get(reverse("meetings:ics", kwargs={"slug": proposal.slug})).status_code == 404
