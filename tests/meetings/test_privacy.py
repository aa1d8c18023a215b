"""A person's meetings in their data download, and what leaving does to them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import privacy
from meetings.agenda import agenda_item_add, agenda_item_support, note_add
from meetings.models import AgendaItem, AgendaSupport, Note, Registration, RegistrationStatus
from meetings.services import registration_register
from tests.factories import MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone():
    """A person without a copy who registered, brought in an agenda item, supported
    another and wrote a note in the nazit of a past meeting."""
    user = UserFactory()
    other = MembershipFactory().user
    upcoming = MeetingFactory(title="Komt nog", capacity=1)
    registration_register(meeting=upcoming, user=user, bringing="Een vraag")
    registration_register(meeting=upcoming, user=other)  # waits for the place
    agenda_item_add(meeting=upcoming, user=user, title="Mijn punt")
    theirs = agenda_item_add(meeting=upcoming, user=other, title="Hun punt")
    agenda_item_support(item=theirs, user=user)
    now = timezone.now()
    past = MeetingFactory(
        title="Was al", starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    Registration.objects.create(meeting=past, user=user, status=RegistrationStatus.GOING)
    note_add(meeting=past, user=user, body="Wat ik meenam")
    return user, other, upcoming


def test_the_download_holds_registrations_agenda_items_and_notes(someone):
    user, _other, _upcoming = someone

    data = privacy.account_export(user=user)

    assert [(r["meeting"], r["status"], r["bringing"]) for r in data["meeting_registrations"]] == [
        ("Komt nog", "going", "Een vraag"),
        ("Was al", "going", ""),
    ]
    assert data["meeting_registrations"][1]["attended"] is True
    assert [i["title"] for i in data["agenda_items"]] == ["Mijn punt"]
    assert [(n["meeting"], n["body"], n["story"]) for n in data["meeting_notes"]] == [
        ("Was al", "Wat ik meenam", None)
    ]


@pytest.mark.parametrize("stories", [privacy.STORIES_KEEP, privacy.STORIES_DELETE])
def test_leaving_frees_the_place_and_keeps_or_deletes_what_was_said(
    someone, stories, django_capture_on_commit_callbacks
):
    user, other, upcoming = someone

    privacy.account_delete(user=user, stories=stories)

    assert not Registration.objects.filter(user_id=user.pk).exists()
    assert Registration.objects.get(meeting=upcoming, user=other).status == RegistrationStatus.GOING
    assert not AgendaSupport.objects.exists()
    if stories == privacy.STORIES_KEEP:
        assert AgendaItem.objects.get(title="Mijn punt").author is None
        assert Note.objects.get().author is None
    else:
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Hun punt"]
        assert not Note.objects.exists()
