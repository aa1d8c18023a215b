"""The open agenda and the nazit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from book.services import chapter_stories_changed
from meetings.agenda import (
    agenda_item_add,
    agenda_item_mark,
    agenda_item_support,
    attendance_mark,
    note_add,
    note_to_story,
)
from meetings.models import AgendaItem, AgendaState, Note, RegistrationStatus
from meetings.services import MeetingError, NotAllowed
from stories.models import Status, Story
from tests.factories import MeetingFactory, MembershipFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    return MembershipFactory().user


@pytest.fixture
def meeting(host):
    return MeetingFactory(hosts=[host.membership])


@pytest.fixture
def past(host):
    now = timezone.now()
    return MeetingFactory(
        hosts=[host.membership],
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1),
    )


def _registered(meeting, status=RegistrationStatus.GOING):
    return RegistrationFactory(meeting=meeting, status=status, user=MembershipFactory().user).user


def test_registered_people_add_items_in_order_and_others_may_not(meeting):
    going, waiting = _registered(meeting), _registered(meeting, RegistrationStatus.WAITING)

    first = agenda_item_add(meeting=meeting, user=going, title="Inspraak", body="Hoe vroeg?")
    second = agenda_item_add(meeting=meeting, user=waiting, title="Budget")

    assert (first.position, second.position) == (1, 2)
    with pytest.raises(NotAllowed):
        agenda_item_add(meeting=meeting, user=UserFactory(), title="Ongevraagd")
    assert AgendaItem.objects.count() == 2


def test_no_items_after_the_start(host):
    now = timezone.now()
    started = MeetingFactory(
        hosts=[host.membership],
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
    )
    going = _registered(started)

    with pytest.raises(MeetingError) as refusal:
        agenda_item_add(meeting=started, user=going, title="Te laat")

    assert "De bijeenkomst is begonnen" in str(refusal.value)
    assert not AgendaItem.objects.exists()


def test_an_empty_title_is_refused(meeting):
    with pytest.raises(MeetingError):
        agenda_item_add(meeting=meeting, user=_registered(meeting), title="  ")
    assert not AgendaItem.objects.exists()


def test_support_is_given_and_taken_back_but_not_for_ones_own(meeting):
    author, other = _registered(meeting), _registered(meeting)
    item = agenda_item_add(meeting=meeting, user=author, title="Inspraak")

    assert agenda_item_support(item=item, user=other) is True
    assert AgendaItem.objects.for_display(other).get().support_count == 1
    assert AgendaItem.objects.for_display(other).get().supported is True
    assert agenda_item_support(item=item, user=other) is False
    with pytest.raises(MeetingError):
        agenda_item_support(item=item, user=author)
    assert AgendaItem.objects.for_display().get().support_count == 0


def test_hosts_order_and_mark_items(meeting, host):
    going = _registered(meeting)
    a, b, c = (agenda_item_add(meeting=meeting, user=going, title=t) for t in "ABC")

    agenda_item_mark(item=c, user=host, position=1)
    agenda_item_mark(item=a, user=host, state=AgendaState.DISCUSSED)
    agenda_item_mark(item=b, user=host, state=AgendaState.PARKED)

    assert list(meeting.agenda_items.for_display().values_list("title", "state")) == [
        ("C", "open"),
        ("A", "discussed"),
        ("B", "parked"),
    ]
    with pytest.raises(NotAllowed):
        agenda_item_mark(item=a, user=going, state=AgendaState.OPEN)


def test_the_agenda_through_the_page(client, meeting, host):
    going = _registered(meeting)
    client.force_login(going)
    client.post(
        reverse("meetings:item_add", kwargs={"slug": meeting.slug}),
        {"title": "Wie betaalt?", "body": "Over geld"},
    )
    item = AgendaItem.objects.get()
    client.force_login(_registered(meeting))
    client.post(reverse("meetings:item_support", kwargs={"slug": meeting.slug, "pk": item.pk}))
    client.force_login(host)
    client.post(
        reverse("meetings:item_mark", kwargs={"slug": meeting.slug, "pk": item.pk}),
        {"state": "parked", "position": "1"},
    )

    page = client.get(meeting.get_absolute_url())

    item.refresh_from_db()
    assert item.state == AgendaState.PARKED
    assertContains(page, '<strong class="meeting-agenda__title">Wie betaalt?</strong>', html=True)
    assertContains(page, "1 wil dit ook bespreken")


def test_a_member_may_not_mark_through_the_page(client, meeting):
    going = _registered(meeting)
    item = agenda_item_add(meeting=meeting, user=going, title="A")
    client.force_login(going)
    response = client.post(
        reverse("meetings:item_mark", kwargs={"slug": meeting.slug, "pk": item.pk}),
        {"state": "discussed"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.state == AgendaState.OPEN


# ---- The nazit ----------------------------------------------------------------------------


def test_notes_are_written_after_the_end_by_those_who_were_there(past):
    going = _registered(past)

    note = note_add(meeting=past, user=going, body="Ik neem mee: eerst luisteren.")

    assert note.meeting == past
    assert past.registrations.get(user=going).attended is True
    with pytest.raises(NotAllowed):
        note_add(meeting=past, user=UserFactory(), body="Ik was er niet")
    with pytest.raises(NotAllowed):
        note_add(meeting=past, user=_registered(past, RegistrationStatus.WAITING), body="Wachtte")


@pytest.mark.parametrize("days_after_end", [-1, 15])
def test_no_notes_before_the_end_or_after_fourteen_days(host, days_after_end):
    now = timezone.now()
    ends = now - timedelta(days=days_after_end)
    meeting = MeetingFactory(
        hosts=[host.membership], starts_at=ends - timedelta(hours=2), ends_at=ends
    )
    going = _registered(meeting)

    with pytest.raises(MeetingError) as refusal:
        note_add(meeting=meeting, user=going, body="Te vroeg of te laat")

    assert "veertien dagen" in str(refusal.value)
    assert not Note.objects.exists()


def test_a_note_becomes_a_draft_story_linked_to_the_meeting(client, past, chapters):
    going = _registered(past)
    note = note_add(meeting=past, user=going, body="Wat ik **meenam**.")

    story = note_to_story(note=note, user=going, chapter=chapters[0], title="Eerst luisteren")

    assert (story.status, story.chapter, story.author) == (
        Status.DRAFT,
        chapters[0],
        going.membership,
    )
    assert story.body == "Wat ik **meenam**."
    note.refresh_from_db()
    assert note.story == story
    assert note_to_story(note=note, user=going, chapter=chapters[1], title="Nog eens") == story
    assert Story.objects.count() == 1
    with pytest.raises(NotAllowed):
        note_to_story(note=note, user=_registered(past), chapter=chapters[0], title="Van een ander")


def test_the_meeting_page_lists_its_stories_once_published(client, past, chapters):
    going = _registered(past)
    note = note_add(meeting=past, user=going, body="Mijn notitie")
    client.force_login(going)

    response = client.post(
        reverse("meetings:note_story", kwargs={"slug": past.slug, "pk": note.pk}),
        {"chapter": chapters[0].pk, "title": "Uit de nazit"},
    )

    story = Story.objects.get()
    assert response["Location"] == reverse("stories:edit", kwargs={"pk": story.pk})
    client.logout()
    assert "Uit de nazit" not in client.get(past.get_absolute_url()).content.decode()
    story.status = Status.PUBLISHED
    story.save()
    chapter_stories_changed(chapters=[story.chapter_id])  # as the services do
    page = client.get(past.get_absolute_url())
    assertContains(page, f'<a href="{story.get_absolute_url()}">Uit de nazit</a>', html=True)


def test_hosts_mark_who_was_there_and_others_may_not(client, past, host):
    going = _registered(past)
    registration = past.registrations.get(user=going)
    url = reverse("meetings:attendance", kwargs={"slug": past.slug})
    client.force_login(going)
    assert client.post(url, {"registration": registration.pk, "attended": "1"}).status_code == 403

    client.force_login(host)
    page = client.get(past.get_absolute_url())
    assert [r for r, _name in page.context["attendance"]] == [registration]
    client.post(url, {"registration": registration.pk, "attended": "1"})

    registration.refresh_from_db()
    assert registration.attended is True


def test_attendance_is_not_kept_before_the_start(meeting, host):
    registration = RegistrationFactory(meeting=meeting)
    with pytest.raises(MeetingError):
        attendance_mark(meeting=meeting, user=host, registration=registration, attended=True)
    registration.refresh_from_db()
    assert registration.attended is False
