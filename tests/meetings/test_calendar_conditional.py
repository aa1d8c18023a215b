"""The calendar feeds as calendars poll them: an ETag and a Last-Modified, a 304 to
whoever has the feed already, a new ETag and body at once after any change, and a
fixed number of queries, whatever the number of meetings."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date, parse_http_date
from icalendar import Calendar

from meetings.services import meeting_cancel, meeting_create, meeting_update
from organisations.services import organisation_save
from tests.factories import MeetingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["every meeting", "one organisation"])
def feed(request):
    """Each feed, with an organisation whose meetings it holds (the feed of every
    meeting holds them too)."""
    host = OrganisationFactory(name="Wijkbedrijf Assendorp")
    of_organisation = request.param == "one organisation"

    def url() -> str:
        if of_organisation:
            return reverse("meetings:organisation_calendar", kwargs={"slug": host.slug})
        return reverse("meetings:calendar")

    with translation.override("en"):
        english = url()
    return SimpleNamespace(url=url(), english=english, host=host, of_organisation=of_organisation)


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    response.queries = len(queries)
    return response


def _events(response) -> dict[str, tuple[str, str]]:
    """The feed's events, by UID: (summary, status)."""
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["UID"]): (str(event["SUMMARY"]), str(event["STATUS"]))
        for event in calendar.walk("VEVENT")
    }


def test_the_feed_says_what_it_is_and_how_long_to_keep_it(client, feed):
    MeetingFactory(host_organisation=feed.host)

    response = _get(client, feed.url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert parse_http_date(response["Last-Modified"])
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert response.queries == 2  # what the feed is keyed by, and its meetings


def test_a_poll_with_the_etag_gets_a_304_in_one_query(client, feed):
    MeetingFactory(host_organisation=feed.host)
    first = _get(client, feed.url)

    again = _get(client, feed.url, if_none_match=first["ETag"])
    head = client.head(feed.url, headers={"if-none-match": first["ETag"]})

    assert (again.status_code, again.content, again.queries) == (304, b"", 1)
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        assert again[header] == first[header]
    assert head.status_code == 304
    other = _get(client, feed.url, if_none_match='"something-else"')
    assert (other.status_code, other.content) == (200, first.content)


def test_a_poll_with_the_date_gets_a_304(client, feed):
    MeetingFactory(host_organisation=feed.host)
    first = _get(client, feed.url)

    again = _get(client, feed.url, if_modified_since=first["Last-Modified"])
    earlier = http_date(parse_http_date(first["Last-Modified"]) - 3600)
    older = _get(client, feed.url, if_modified_since=earlier)

    assert (again.status_code, again.content, again.queries) == (304, b"", 1)
    assert again["ETag"] == first["ETag"]
    assert (older.status_code, older.content) == (200, first.content)


def test_head_answers_like_get_without_a_body(client, feed):
    MeetingFactory(host_organisation=feed.host)
    got = client.get(feed.url)

    head = client.head(feed.url)

    assert (head.status_code, head.content) == (200, b"")
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
        assert head[header] == got[header]


def _edit(meeting, curator, details):
    meeting_update(
        meeting=meeting,
        user=curator,
        details=details(
            title="Samen aan tafel, nu in Kampen", host_organisation=meeting.host_organisation
        ),
    )


def _cancel(meeting, curator, details):
    meeting_cancel(meeting=meeting, user=curator)


def _new_meeting(meeting, curator, details):
    meeting_create(
        user=curator,
        details=details(
            title="Nog een keer aan tafel", host_organisation=meeting.host_organisation
        ),
    )


@pytest.mark.parametrize("change", [_edit, _cancel, _new_meeting])
def test_a_change_gives_a_new_etag_and_the_new_feed_at_once(client, feed, curator, details, change):
    meeting = meeting_create(user=curator, details=details(host_organisation=feed.host))
    first = _get(client, feed.url)

    change(meeting, curator, details)
    response = _get(client, feed.url, if_none_match=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert parse_http_date(response["Last-Modified"]) >= parse_http_date(first["Last-Modified"])
    assert _events(response) != _events(first)
    assert _events(response) == _events(_get(client, feed.url))  # kept as it is now


def test_the_changed_feed_shows_the_change(client, feed, curator, details):
    meeting = meeting_create(user=curator, details=details(host_organisation=feed.host))
    uid = next(iter(_events(_get(client, feed.url))))

    _edit(meeting, curator, details)
    edited = _events(_get(client, feed.url))
    _cancel(meeting, curator, details)
    cancelled = _events(_get(client, feed.url))

    assert edited == {uid: ("Samen aan tafel, nu in Kampen", "CONFIRMED")}
    assert cancelled == {uid: ("Samen aan tafel, nu in Kampen", "CANCELLED")}


def test_a_renamed_organisation_gives_its_feed_a_new_etag_and_name(client, many_meetings):
    host = OrganisationFactory(name="Wijkbedrijf Assendorp")
    many_meetings(host, 3)
    url = reverse("meetings:organisation_calendar", kwargs={"slug": host.slug})
    first = _get(client, url)

    host.name = "Wijkbedrijf Assendorp-Dieze"
    organisation_save(organisation=host)
    response = _get(client, url, if_none_match=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Bijeenkomsten bij Wijkbedrijf Assendorp-Dieze"


def test_a_meeting_moved_to_another_host_leaves_the_feed_at_once(client, curator, details):
    first_host, second_host = OrganisationFactory(), OrganisationFactory()
    meeting = meeting_create(user=curator, details=details(host_organisation=first_host))
    url = reverse("meetings:organisation_calendar", kwargs={"slug": first_host.slug})
    before = _get(client, url)

    meeting_update(meeting=meeting, user=curator, details=details(host_organisation=second_host))
    response = _get(client, url, if_none_match=before["ETag"])

    assert response.status_code == 200
    assert (len(_events(before)), _events(response)) == (1, {})


def test_the_feeds_differ_by_language(client, feed):
    MeetingFactory(host_organisation=feed.host)
    dutch = _get(client, feed.url)
    english = _get(client, feed.english)

    assert english.status_code == 200
    assert feed.english.startswith("/en/")
    assert dutch["ETag"] != english["ETag"]
    assert _get(client, feed.english, if_none_match=english["ETag"]).status_code == 304


@pytest.mark.parametrize("n", [10, 500])
def test_polling_takes_the_same_queries_with_ten_meetings_or_five_hundred(
    client, feed, many_meetings, n
):
    many_meetings(feed.host, n)
    many_meetings(OrganisationFactory(), 5)
    made = _get(client, feed.url)
    kept = _get(client, feed.url)
    not_modified = _get(client, feed.url, if_none_match=made["ETag"])

    assert len(_events(made)) == (n if feed.of_organisation else n + 5)
    assert (made.queries, kept.queries, not_modified.queries) == (2, 1, 1)
    assert (kept.content, not_modified.status_code) == (made.content, 304)
