"""Meetings as iCalendar (RFC 5545), made with the icalendar package: one meeting's .ics
and the feeds people subscribe to: every announced meeting, or those one organisation
hosts.

A calendar recognises an event by its UID and takes a newer version by its SEQUENCE, so
the UID is made of the meeting's id and the site's configured host (never of the title
or of the address a request came to), and SEQUENCE is Meeting.sequence, which every
change raises (meetings.services). A cancelled meeting stays in the feed with
STATUS:CANCELLED: that is how subscribed calendars learn to drop it. Times are written
in Europe/Amsterdam, with the VTIMEZONE that says what that means."""

from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.functions import Now
from django.utils.html import strip_tags
from icalendar import Calendar, Event

from core import site_url

from .models import Meeting, MeetingQuerySet, MeetingStatus

#: A feed holds the announced meetings that ended this long ago or later (older ones no
#: calendar needs).
FEED_DAYS_BACK = 90

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODUCT_ID = "-//Het boek waar je lid van kunt worden//Bijeenkomsten//NL"
STATUSES = {
    MeetingStatus.PUBLISHED: "CONFIRMED",
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"meeting-{meeting.pk}@{host}"


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", meeting.ends_at.astimezone(AMSTERDAM))
    event.add("summary", meeting.title)
    event.add("status", STATUSES[MeetingStatus(meeting.status)])
    url = site_url.absolute_url(meeting.get_absolute_url())
    event.add("url", url)
    event.add("location", meeting.place or meeting.online_url)
    lines = [meeting.opening_question, strip_tags(meeting.description_html).strip()]
    if meeting.online_url:
        lines.append(meeting.online_url)
    lines.append(url)
    event.add("description", "\n\n".join(line for line in lines if line))
    return event


def in_feed(meetings: MeetingQuerySet) -> MeetingQuerySet:
    """The meetings of `meetings` a feed holds: the announced ones (cancelled ones too:
    that is how a subscribed calendar drops them) that ended FEED_DAYS_BACK days ago or
    later, by the database's clock (so the feed's fingerprint, meetings.shared, and its
    body agree on which)."""
    return meetings.announced().filter(ends_at__gte=Now() - timedelta(days=FEED_DAYS_BACK))


def calendar_bytes(meetings, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def subscribe_url(path: str) -> str:
    """The webcal:// address of the feed at `path`: a calendar app opened with it
    subscribes to the feed (and fetches it again now and then) instead of importing it
    once."""
    parts = urlsplit(site_url.absolute_url(path))
    return urlunsplit(parts._replace(scheme="webcal"))
