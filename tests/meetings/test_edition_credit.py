"""A story born in a meeting's nazit carries the meeting in its edition credit ("uit
de bijeenkomst in Zwolle, 12 maart 2027"), on the page, in print and in the EPUB, as
it stood when the edition was published."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from editions.models import EditionStory
from editions.services import edition_create, edition_publish, edition_stories_choose
from organisations.models import Organisation
from stories.models import Status
from tests.editions.test_credit import epub_credits
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ProfileFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

html_test = SimpleTestCase()
MARCH_12 = datetime(2027, 3, 12, 19, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def edition(book, chapters, curator):
    femke = ProfileFactory(display_name="Femke", membership=MembershipFactory(number=12))
    zwolle = Organisation.objects.get(name="Zwolle")
    in_zwolle = MeetingFactory(
        title="Tafel in Zwolle",
        host_organisation=zwolle,
        starts_at=MARCH_12,
        ends_at=MARCH_12 + timedelta(hours=2),
    )
    online = MeetingFactory(
        title="Online koffie", starts_at=MARCH_12, ends_at=MARCH_12 + timedelta(hours=1)
    )
    stories = []
    for title, meeting in (("Uit Zwolle", in_zwolle), ("Van online", online), ("Gewoon", None)):
        story = StoryFactory(
            chapter=chapters[0], author=femke.membership, title=title, status=Status.FEATURED
        )
        if meeting is not None:
            NoteFactory(meeting=meeting, author=femke.membership.user, story=story)
        stories.append(story)
    draft = edition_create(label="Tussenstand 2027", curator=curator)
    edition_stories_choose(edition=draft, stories=stories, curator=curator)
    edition = edition_publish(edition=draft, curator=curator)
    in_zwolle.title = "Later hernoemd"
    in_zwolle.save()
    return edition


CREDITS = [
    "— Femke, lid nr. 12, uit de bijeenkomst in Zwolle, 12 maart 2027",
    "— Femke, lid nr. 12, uit de bijeenkomst “Online koffie”, 12 maart 2027",
    "— Femke, lid nr. 12",
]


def test_the_page_and_print_credit_the_meeting_a_story_came_from(client, edition):
    chapter = edition.chapters.get(number=1)
    page = client.get(chapter.get_absolute_url()).content.decode()
    printed = client.get(reverse("editions:edition_print", args=[edition.slug])).content.decode()
    for credit in CREDITS:
        html_test.assertInHTML(f'<p class="edition-story__credit">{credit}</p>', page, count=1)
        html_test.assertInHTML(f'<p class="print-story__credit">{credit}</p>', printed, count=1)


def test_the_epub_credits_the_meeting_too(client, edition, member):
    client.force_login(member)
    assert sorted(epub_credits(client, edition)) == sorted(CREDITS)


def test_the_meeting_credit_is_in_the_reading_language(edition):
    story = EditionStory.objects.get(title="Uit Zwolle")
    with translation.override("en"):
        assert story.credit() == "Femke, member no. 12, from the meeting in Zwolle, 12 March 2027"
