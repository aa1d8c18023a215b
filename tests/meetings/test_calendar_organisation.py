"""The feed of the meetings one organisation hosts, parsed back with icalendar, and the
links that subscribe to it."""

from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.calendar import FEED_DAYS_BACK
from meetings.models import Meeting, MeetingStatus
from meetings.services import meeting_cancel, meeting_create, meeting_update
from organisations.services import organisation_save
from tests.factories import MeetingFactory, OrganisationFactory
from tests.markup import hrefs, select, texts
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db
HOST = urlsplit(settings.SITE_URL).hostname
SITE = settings.SITE_URL.rstrip("/")
WEBCAL = "webcal://" + SITE.split("://", 1)[1]


def _feed_url(organisation) -> str:
    return reverse("meetings:organisation_calendar", kwargs={"slug": organisation.slug})


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def _uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{HOST}"


def test_the_feed_holds_the_announced_meetings_of_that_organisation_only(client):
    host, other = OrganisationFactory(name="Wijkbedrijf Assendorp"), OrganisationFactory()
    published = MeetingFactory(host_organisation=host)
    cancelled = MeetingFactory(host_organisation=host, status=MeetingStatus.CANCELLED)
    MeetingFactory(host_organisation=host, status=MeetingStatus.PROPOSED)
    long_ago = timezone.now() - timedelta(days=FEED_DAYS_BACK + 1)
    MeetingFactory(host_organisation=host, starts_at=long_ago - timedelta(hours=2))
    MeetingFactory(host_organisation=other)
    MeetingFactory(host_organisation=None)

    response = client.get(_feed_url(host))
    calendar = _calendar(response)

    assert _uids(calendar) == {_uid(published), _uid(cancelled)}
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert statuses == {_uid(published): "CONFIRMED", _uid(cancelled): "CANCELLED"}
    assert str(calendar["X-WR-CALNAME"]) == "Bijeenkomsten bij Wijkbedrijf Assendorp"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bijeenkomsten-{host.slug}.ics"'
    )


def test_an_edit_raises_the_sequence_and_a_cancellation_says_so(client, curator, details):
    host = OrganisationFactory()
    meeting = meeting_create(user=curator, details=details(host_organisation=host))
    (before,) = _calendar(client.get(_feed_url(host))).walk("VEVENT")

    later = details(host_organisation=host)
    later.starts_at += timedelta(hours=1)
    later.ends_at += timedelta(hours=1)
    meeting_update(meeting=meeting, user=curator, details=later)
    (changed,) = _calendar(client.get(_feed_url(host))).walk("VEVENT")
    meeting_cancel(meeting=meeting, user=curator)
    (cancelled,) = _calendar(client.get(_feed_url(host))).walk("VEVENT")

    assert str(before["UID"]) == str(changed["UID"]) == str(cancelled["UID"]) == _uid(meeting)
    assert (before["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert changed.decoded("DTSTART") == later.starts_at
    assert (str(before["STATUS"]), str(cancelled["STATUS"])) == ("CONFIRMED", "CANCELLED")


def test_times_are_in_amsterdam_and_the_event_links_the_meeting(client, curator, details):
    host = OrganisationFactory()
    meeting = meeting_create(user=curator, details=details(host_organisation=host))

    calendar = _calendar(client.get(_feed_url(host)))
    (event,) = calendar.walk("VEVENT")

    for name in ("DTSTART", "DTEND"):
        assert event[name].params["TZID"] == "Europe/Amsterdam"
        assert str(event[name].dt.tzinfo) == "Europe/Amsterdam"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert str(event["URL"]) == f"{SITE}{meeting.get_absolute_url()}"


def test_the_feed_moves_with_the_host_organisation(client, curator, details):
    first, second = OrganisationFactory(), OrganisationFactory()
    meeting = meeting_create(user=curator, details=details(host_organisation=first))

    meeting_update(meeting=meeting, user=curator, details=details(host_organisation=second))

    assert _uids(_calendar(client.get(_feed_url(first)))) == set()
    assert _uids(_calendar(client.get(_feed_url(second)))) == {_uid(meeting)}


def test_a_merged_organisation_leads_its_feed_and_page_to_its_successor(client, many_meetings):
    merged, successor = OrganisationFactory(), OrganisationFactory()
    many_meetings(successor, 2)
    feed, page = _feed_url(merged), merged.get_absolute_url()
    assert (client.get(feed).status_code, client.get(page).status_code) == (200, 200)

    merged.successor = successor
    organisation_save(organisation=merged)

    response = client.get(feed)
    assert (response.status_code, response["Location"]) == (301, _feed_url(successor))
    response = client.get(page)
    assert (response.status_code, response["Location"]) == (301, successor.get_absolute_url())
    english = client.get(f"/en/meetings/organisation/{merged.slug}/calendar.ics")
    assert english["Location"] == f"/en/meetings/organisation/{successor.slug}/calendar.ics"
    assert client.head(feed).status_code == 301
    followed = client.get(feed, follow=True)
    assert followed.redirect_chain == [(_feed_url(successor), 301)]
    assert len(_calendar(followed).walk("VEVENT")) == 2


def test_an_unknown_organisation_is_a_404(client):
    url = reverse("meetings:organisation_calendar", kwargs={"slug": "bestaat-niet"})
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404


def test_head_answers_like_get_without_a_body(client):
    host = OrganisationFactory()
    MeetingFactory(host_organisation=host)

    response = client.head(_feed_url(host))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content == b""


def test_reading_the_feed_changes_nothing(client, member):
    host = OrganisationFactory()
    MeetingFactory(host_organisation=host)
    client.force_login(member)
    assert_safe_requests_change_nothing(client, [_feed_url(host)])


def test_the_feed_refuses_a_post(client):
    response = client.post(_feed_url(OrganisationFactory()))
    assert response.status_code == 405


def test_the_english_address(client):
    host = OrganisationFactory(name="Wijkbedrijf Assendorp")
    meeting = MeetingFactory(host_organisation=host)

    calendar = _calendar(client.get(f"/en/meetings/organisation/{host.slug}/calendar.ics"))

    assert _uids(calendar) == {_uid(meeting)}
    assert str(calendar["X-WR-CALNAME"]) == "Meetings at Wijkbedrijf Assendorp"


def _read(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), len(_calendar(response).walk("VEVENT"))


def test_the_feed_takes_two_queries_with_ten_meetings_or_five_hundred(client, many_meetings):
    host = OrganisationFactory()
    many_meetings(host, 10)
    many_meetings(OrganisationFactory(), 10)
    assert _read(client, _feed_url(host)) == (2, 10)

    many_meetings(host, 490)

    assert _read(client, _feed_url(host)) == (2, 500)


# ---- The links --------------------------------------------------------------------------


def _links(response) -> list[str]:
    return hrefs(response, "p.calendar-links a")


def test_the_organisation_page_links_its_feed_to_subscribe_and_download(client):
    host = OrganisationFactory(name="Wijkbedrijf Assendorp")
    feed = _feed_url(host)

    response = client.get(host.get_absolute_url())

    assert _links(response) == [f"{WEBCAL}{feed}", feed]
    assert texts(response, "p.calendar-links a")[0] == (
        "Abonneer je agenda op de bijeenkomsten bij Wijkbedrijf Assendorp"
    )


def test_the_list_filtered_by_an_organisation_links_its_feed_and_the_whole(client):
    host = OrganisationFactory()
    MeetingFactory(host_organisation=host)
    everything = reverse("meetings:calendar")

    unfiltered = client.get(reverse("meetings:list"))
    filtered = client.get(f"{reverse('meetings:list')}?{urlencode({'organisatie': host.slug})}")

    assert _links(unfiltered) == [f"{WEBCAL}{everything}", everything]
    feed = _feed_url(host)
    assert _links(filtered) == [f"{WEBCAL}{feed}", feed, f"{WEBCAL}{everything}", everything]
    assert len(select(filtered, "p.calendar-links a[download]")) == 2
