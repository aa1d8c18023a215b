"""The next meetings on the home page and on a chapter's page, also when those pages
come from the cache."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from meetings.models import MeetingStatus
from meetings.services import meeting_cancel
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_next_three_meetings(client, chapters):
    now = timezone.now()
    made = [
        MeetingFactory(starts_at=now + timedelta(days=d), title=f"Over {d} dagen")
        for d in (9, 2, 5, 30)
    ]
    MeetingFactory(
        title="Voorstel", status=MeetingStatus.PROPOSED, starts_at=now + timedelta(days=1)
    )

    response = client.get("/")

    assert [m.title for m in response.context["meetings"]] == [
        "Over 2 dagen",
        "Over 5 dagen",
        "Over 9 dagen",
    ]
    assertContains(response, f'<a href="{made[1].get_absolute_url()}">Over 2 dagen</a>', html=True)
    assertNotContains(response, "Over 30 dagen")


def test_a_chapter_page_shows_the_upcoming_meetings_about_it(client, chapters):
    about = MeetingFactory(title="Over dit hoofdstuk")
    about.chapters.set([chapters[0]])
    MeetingFactory(title="Over iets anders").chapters.set([chapters[1]])

    response = client.get(chapters[0].get_absolute_url())

    assertContains(
        response, f'<a href="{about.get_absolute_url()}">Over dit hoofdstuk</a>', html=True
    )
    assertNotContains(response, "Over iets anders")


def test_cached_pages_follow_a_cancellation_at_once(client, chapters, curator):
    meeting = MeetingFactory(title="Gaat misschien niet door")
    meeting.chapters.set([chapters[0]])
    for url in ("/", chapters[0].get_absolute_url()):
        assertContains(client.get(url), "Gaat misschien niet door")
        assertContains(client.get(url), "Gaat misschien niet door")  # from the cache

    meeting_cancel(meeting=meeting, user=curator)

    for url in ("/", chapters[0].get_absolute_url()):
        assertNotContains(client.get(url), "Gaat misschien niet door")


def test_cached_pages_drop_a_meeting_once_it_is_over(client, chapters):
    meeting = MeetingFactory(title="Bijna voorbij")
    meeting.chapters.set([chapters[0]])
    for url in ("/", chapters[0].get_absolute_url()):
        assertContains(client.get(url), "Bijna voorbij")
        assertContains(client.get(url), "Bijna voorbij")  # from the cache

    # Time passes: the row itself does not change (no updated_at), the meeting ends.
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )

    for url in ("/", chapters[0].get_absolute_url()):
        assertNotContains(client.get(url), "Bijna voorbij")


def test_cached_pages_show_an_edit_to_a_shown_meeting_at_once(client, chapters):
    shown = MeetingFactory(title="Eerste titel", starts_at=timezone.now() + timedelta(days=1))
    shown.chapters.set([chapters[0]])
    # A later meeting, edited last: the shown one's edit must still change the key.
    later = MeetingFactory(title="Veel later", starts_at=timezone.now() + timedelta(days=60))
    later.chapters.set([chapters[0]])
    for url in ("/", chapters[0].get_absolute_url()):
        client.get(url)

    shown.title = "Nieuwe titel"
    shown.save()

    for url in ("/", chapters[0].get_absolute_url()):
        response = client.get(url)
        assertContains(response, "Nieuwe titel")
        assertNotContains(response, "Eerste titel")
