from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from book.models import Access
from meetings.calendar import meeting_uid
from meetings.models import Meeting, MeetingStatus, Registration, RegistrationStatus
from meetings.services import (
    MeetingError,
    NotAllowed,
    meeting_cancel,
    meeting_create,
    meeting_propose,
    meeting_publish,
    meeting_update,
    registration_cancel,
    registration_register,
)
from stories.models import ModerationAction, ModerationKind, NotificationSettings, TargetType
from tests.factories import MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_curator_creates_a_published_meeting_and_the_log_says_so(curator, details, chapters):
    meeting = meeting_create(user=curator, details=details(chapters=chapters[:2]))

    assert meeting.status == MeetingStatus.PUBLISHED
    assert (
        meeting.slug
        == f"samen-aan-tafel-in-zwolle-{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    )
    assert "<strong>de nazit</strong>" in meeting.description_html
    assert list(meeting.hosts.all()) == [curator.membership]
    assert set(meeting.chapters.all()) == set(chapters[:2])
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.target_id, entry.action, entry.curator) == (
        TargetType.MEETING,
        meeting.pk,
        ModerationKind.APPROVE,
        curator,
    )


def test_the_same_title_on_the_same_day_gets_another_slug(curator, details):
    first = meeting_create(user=curator, details=details())
    second = meeting_create(user=curator, details=details())
    assert second.slug == f"{first.slug}-2"


def test_a_member_may_not_create_but_proposes_into_the_queue(member, details):
    with pytest.raises(NotAllowed):
        meeting_create(user=member, details=details())

    meeting = meeting_propose(membership=member.membership, details=details())

    assert meeting.status == MeetingStatus.PROPOSED
    assert list(Meeting.objects.proposed()) == [meeting]
    assert list(meeting.hosts.all()) == [member.membership]
    assert not ModerationAction.objects.exists()


def test_a_curator_publishes_a_proposal_once(curator, member, details):
    meeting = meeting_propose(membership=member.membership, details=details())

    meeting_publish(meeting=meeting, curator=curator)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert meeting.sequence == 1
    assert ModerationAction.objects.get().action == ModerationKind.APPROVE
    with pytest.raises(MeetingError):
        meeting_publish(meeting=meeting, curator=curator)
    with pytest.raises(NotAllowed):
        meeting_publish(meeting=meeting, curator=member)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at_offset": timedelta(hours=-1)}, "ends_at", "Het einde moet na het begin liggen."),
        ({"ends_at_offset": timedelta(0)}, "ends_at", "Het einde moet na het begin liggen."),
        ({"capacity": 0}, "capacity", "Het aantal plaatsen moet 1 of meer zijn"),
        ({"capacity": -3}, "capacity", "Het aantal plaatsen moet 1 of meer zijn"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"online_url": "http://example.org/zaal"}, "online_url", "https://"),
        ({"place": "", "online_url": ""}, "place", "Geef een plaats"),
        ({"title": "   "}, "title", "Geef de bijeenkomst een titel."),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(curator, details, changes, field, message):
    changes = dict(changes)
    offset = changes.pop("ends_at_offset", None)
    bad = details(**changes)
    if offset is not None:
        bad.ends_at = bad.starts_at + offset

    with pytest.raises(MeetingError) as refusal:
        meeting_create(user=curator, details=bad)

    assert refusal.value.field == field
    assert message in str(refusal.value)
    assert not Meeting.objects.exists()
    assert not ModerationAction.objects.exists()


def test_an_online_meeting_needs_no_place(curator, details):
    meeting = meeting_create(
        user=curator, details=details(place="", online_url="https://meet.example.org/boek")
    )
    assert meeting.online_url == "https://meet.example.org/boek"


def test_a_change_of_time_mails_everyone_registered_in_their_language(curator, details, commit):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    dutch, english = MembershipFactory(), MembershipFactory()
    NotificationSettings.objects.create(membership=english, language="en")
    registration_register(meeting=meeting, user=dutch.user)
    registration_register(meeting=meeting, user=english.user)  # waiting
    mail.outbox.clear()

    later = details(capacity=1)
    later.starts_at += timedelta(days=1)
    later.ends_at += timedelta(days=1)
    with commit(execute=True):
        meeting_update(meeting=meeting, user=curator, details=later)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([dutch.user.email, english.user.email])
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[dutch.user.email].subject == "Gewijzigd: “Samen aan tafel in Zwolle”"
    assert by_address[english.user.email].subject == "Changed: “Samen aan tafel in Zwolle”"
    assert f"/en/meetings/{meeting.slug}/" in by_address[english.user.email].body
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_a_change_of_the_description_alone_mails_no_one(curator, details, commit):
    meeting = meeting_create(user=curator, details=details())
    registration_register(meeting=meeting, user=MembershipFactory().user)
    mail.outbox.clear()

    with commit(execute=True):
        # The same times: details() reads the clock, which may have passed a second.
        meeting_update(
            meeting=meeting,
            user=curator,
            details=details(
                description="Anders", starts_at=meeting.starts_at, ends_at=meeting.ends_at
            ),
        )

    assert mail.outbox == []
    meeting.refresh_from_db()
    assert (meeting.description, meeting.sequence) == ("Anders", 1)


def test_hosts_change_their_meeting_and_others_may_not(member, details):
    meeting = meeting_propose(membership=member.membership, details=details())
    other = MembershipFactory().user

    with pytest.raises(NotAllowed):
        meeting_update(meeting=meeting, user=other, details=details(title="Gekaapt"))
    meeting_update(meeting=meeting, user=member, details=details(title="Beter"))

    meeting.refresh_from_db()
    assert meeting.title == "Beter"


def test_cancelling_mails_the_registered_and_a_curators_decision_is_logged(
    curator, details, commit
):
    meeting = meeting_create(user=curator, details=details())
    going = MembershipFactory().user
    registration_register(meeting=meeting, user=going)
    mail.outbox.clear()

    with commit(execute=True):
        meeting_cancel(meeting=meeting, user=curator, reason="De zaal is dicht.")

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[going.email]]
    assert "De zaal is dicht." in mail.outbox[0].body
    assert ModerationAction.objects.filter(action=ModerationKind.CANCEL).count() == 1
    with pytest.raises(MeetingError):
        meeting_cancel(meeting=meeting, user=curator)


# ---- Registration ------------------------------------------------------------------------


def test_places_fill_then_the_waiting_list(details, curator):
    meeting = meeting_create(user=curator, details=details(capacity=2))
    users = UserFactory.create_batch(3)

    statuses = [registration_register(meeting=meeting, user=u).status for u in users]

    assert statuses == [
        RegistrationStatus.GOING,
        RegistrationStatus.GOING,
        RegistrationStatus.WAITING,
    ]


def test_registering_twice_keeps_the_place_and_updates_what_i_bring(details, curator):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    user = UserFactory()
    registration_register(meeting=meeting, user=user, bringing="Een vraag")
    again = registration_register(meeting=meeting, user=user, bringing="Een verhaal")

    assert again.status == RegistrationStatus.GOING
    assert Registration.objects.get().bringing == "Een verhaal"


def test_cancelling_promotes_the_first_waiting_and_mails_them(details, curator, commit):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    first, second, third = UserFactory.create_batch(3)
    for user in (first, second, third):
        registration_register(meeting=meeting, user=user)
    mail.outbox.clear()

    with commit(execute=True):
        registration_cancel(meeting=meeting, user=first)

    statuses = dict(meeting.registrations.values_list("user", "status"))
    assert statuses == {
        first.pk: RegistrationStatus.CANCELLED,
        second.pk: RegistrationStatus.GOING,
        third.pk: RegistrationStatus.WAITING,
    }
    assert [m.to for m in mail.outbox] == [[second.email]]
    assert mail.outbox[0].subject == "Er is een plaats voor je vrij: “Samen aan tafel in Zwolle”"


def test_someone_waiting_who_cancels_promotes_no_one(details, curator, commit):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    first, second = UserFactory.create_batch(2)
    registration_register(meeting=meeting, user=first)
    registration_register(meeting=meeting, user=second)
    mail.outbox.clear()

    with commit(execute=True):
        registration_cancel(meeting=meeting, user=second)

    assert meeting.registrations.going().get().user == first
    assert mail.outbox == []


def test_registering_again_after_cancelling_goes_to_the_back_of_the_line(details, curator):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    first, second = UserFactory.create_batch(2)
    registration_register(meeting=meeting, user=first)
    registration_cancel(meeting=meeting, user=first)
    registration_register(meeting=meeting, user=second)

    again = registration_register(meeting=meeting, user=first)

    assert again.status == RegistrationStatus.WAITING


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("cancelled", "Deze bijeenkomst is afgelast; aanmelden kan niet meer."),
        ("proposed", "Deze bijeenkomst is nog niet gepubliceerd."),
        ("started", "Deze bijeenkomst is al begonnen; aanmelden kan niet meer."),
    ],
)
def test_registering_is_refused_when_the_meeting_does_not_take_people(state, message):
    now = timezone.now()
    meeting = {
        "cancelled": lambda: MeetingFactory(status=MeetingStatus.CANCELLED),
        "proposed": lambda: MeetingFactory(status=MeetingStatus.PROPOSED),
        "started": lambda: MeetingFactory(
            starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1)
        ),
    }[state]()

    with pytest.raises(MeetingError) as refusal:
        registration_register(meeting=meeting, user=UserFactory())

    assert str(refusal.value) == message
    assert not Registration.objects.exists()


def test_members_only_meetings_ask_for_a_copy_first(member):
    meeting = MeetingFactory(audience=Access.MEMBERS)

    with pytest.raises(NotAllowed) as refusal:
        registration_register(meeting=meeting, user=UserFactory())

    assert "Claim eerst een exemplaar" in str(refusal.value)
    assert registration_register(meeting=meeting, user=member).status == RegistrationStatus.GOING


def test_open_meetings_take_people_without_a_copy():
    user = UserFactory()
    assert registration_register(meeting=MeetingFactory(), user=user).status == "going"


def test_what_i_bring_is_kept_short():
    with pytest.raises(MeetingError):
        registration_register(meeting=MeetingFactory(), user=UserFactory(), bringing="x" * 501)
    assert not Registration.objects.exists()


def test_registering_mails_a_confirmation_with_the_meeting_for_the_calendar(
    details, curator, commit
):
    meeting = meeting_create(user=curator, details=details(capacity=1))
    first, second = UserFactory.create_batch(2)

    with commit(execute=True):
        registration_register(meeting=meeting, user=first)
        registration_register(meeting=meeting, user=second)

    going, waiting = mail.outbox
    assert going.to == [first.email]
    assert going.subject == "Je bent aangemeld: “Samen aan tafel in Zwolle”"
    ((filename, content, mimetype),) = going.attachments
    assert (filename, mimetype) == (f"{meeting.slug}.ics", "text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event["UID"] == meeting_uid(meeting)
    assert waiting.subject == "Op de wachtlijst: “Samen aan tafel in Zwolle”"
