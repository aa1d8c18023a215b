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
