"""The meeting e-mails the hourly timer sends (send_meeting_reminders): the reminder the
day before and "de nazit staat open" once it ends, each once per registration however
often the command runs, also twice at once; and the one-click opt-out per kind that
every meeting e-mail carries."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from meetings.models import MailKind, MeetingMailSettings, MeetingStatus, RegistrationStatus
from meetings.notifications import unsubscribe_token
from meetings.reminders import nazit_mails_send, reminders_send
from meetings.services import registration_register
from tests.factories import MeetingFactory, RegistrationFactory, UserFactory
from tests.markup import one, select
from tests.members.test_concurrency import race

pytestmark = pytest.mark.django_db


def _tomorrow(**changes):
    starts = timezone.now() + timedelta(hours=20)
    return MeetingFactory(
        title="Morgen aan tafel", starts_at=starts, ends_at=starts + timedelta(hours=2), **changes
    )


def _just_ended(**changes):
    starts = timezone.now() - timedelta(hours=3)
    return MeetingFactory(
        title="Net voorbij", starts_at=starts, ends_at=starts + timedelta(hours=2), **changes
    )


def test_the_reminder_goes_to_everyone_going_the_day_before_once(commit):
    meeting = _tomorrow()
    going = RegistrationFactory.create_batch(2, meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.CANCELLED)
    later = MeetingFactory(starts_at=timezone.now() + timedelta(days=3))
    RegistrationFactory(meeting=later)

    with commit(execute=True):
        call_command("send_meeting_reminders", stdout=StringIO())
    with commit(execute=True):
        call_command("send_meeting_reminders", stdout=StringIO())

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.user.email for r in going)
    assert {m.subject for m in mail.outbox} == {"Morgen: “Morgen aan tafel”"}
    assert meeting.get_absolute_url() in mail.outbox[0].body


def test_no_reminder_for_a_cancelled_meeting(commit):
    meeting = _tomorrow(status=MeetingStatus.CANCELLED)
    RegistrationFactory(meeting=meeting)

    with commit(execute=True):
        assert reminders_send() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_and_nazit_mail_once():
    meeting = _tomorrow()
    ended = _just_ended()
    going = RegistrationFactory.create_batch(6, meeting=meeting)
    were_there = RegistrationFactory.create_batch(4, meeting=ended)

    outcomes = race(lambda _run: (reminders_send(), nazit_mails_send()), [1, 2, 3])

    assert sum(reminders for reminders, _nazit in outcomes) == 6, outcomes
    assert sum(nazit for _reminders, nazit in outcomes) == 4, outcomes
    addresses = sorted(m.to[0] for m in mail.outbox)
    assert addresses == sorted(r.user.email for r in going + were_there)


def test_the_nazit_mail_goes_to_who_was_there_once_it_ended(commit):
    meeting = _just_ended()
    going = RegistrationFactory(meeting=meeting)
    waited_but_came = RegistrationFactory(
        meeting=meeting, status=RegistrationStatus.WAITING, attended=True
    )
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    RegistrationFactory(meeting=_tomorrow())
    long_ago = MeetingFactory(starts_at=timezone.now() - timedelta(days=20))
    RegistrationFactory(meeting=long_ago)

    with commit(execute=True):
        assert nazit_mails_send() == 2
    with commit(execute=True):
        assert nazit_mails_send() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [going.user.email, waited_but_came.user.email]
    )
    assert mail.outbox[0].subject == "De nazit staat open: “Net voorbij”"


def test_every_meeting_mail_carries_its_one_click_link(commit):
    meeting = _tomorrow()
    user = UserFactory()
    with commit(execute=True):
        registration_register(meeting=meeting, user=user)
    with commit(execute=True):
        reminders_send()

    confirmation, reminder = mail.outbox
    for message in (confirmation, reminder):
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.body
    assert "/e-mail/uit/updates/" in confirmation.extra_headers["List-Unsubscribe"]
    assert "/e-mail/uit/reminders/" in reminder.extra_headers["List-Unsubscribe"]


def _unsubscribe_url(user, kind: str, token: str | None = None) -> str:
    return reverse(
        "meetings:unsubscribe",
        kwargs={"kind": kind, "token": token or unsubscribe_token(user=user, kind=kind)},
    )


def test_the_one_click_post_switches_that_kind_off_and_nothing_else(client, commit):
    user = UserFactory()
    url = _unsubscribe_url(user, MailKind.REMINDERS)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert not MeetingMailSettings.objects.exists()  # a GET changes nothing

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    settings = MeetingMailSettings.objects.get(user=user)
    assert (settings.reminders, settings.updates, settings.nazit) == (False, True, True)
    meeting = _tomorrow()
    RegistrationFactory(meeting=meeting, user=user)
    with commit(execute=True):
        assert reminders_send() == 0
    assert mail.outbox == []


def test_a_token_for_another_kind_or_tampered_is_refused(client):
    user = UserFactory()
    reminders_token = unsubscribe_token(user=user, kind=MailKind.REMINDERS)

    other_kind = client.post(_unsubscribe_url(user, MailKind.NAZIT, reminders_token))
    tampered = client.post(_unsubscribe_url(user, MailKind.REMINDERS, reminders_token + "x"))
    unknown_kind = client.get(f"/bijeenkomsten/e-mail/uit/alles/{reminders_token}/")

    assert other_kind.status_code == tampered.status_code == unknown_kind.status_code == 400
    assert not MeetingMailSettings.objects.exists()


def test_the_settings_page_saves_the_choice_per_kind(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("meetings:mail_settings"))
    assert {box.get("name") for box in select(page, "main form input[type=checkbox]")} == {
        "updates",
        "reminders",
        "nazit",
    }

    response = client.post(reverse("meetings:mail_settings"), {"updates": "on"})

    assert response["Location"] == reverse("meetings:mail_settings")
    settings = MeetingMailSettings.objects.get(user=user)
    assert (settings.updates, settings.reminders, settings.nazit) == (True, False, False)
    again = client.get(reverse("meetings:mail_settings"))
    assert one(again, "input[name=updates]").get("checked") is not None
    assert one(again, "input[name=nazit]").get("checked") is None


def test_switching_off_updates_silences_the_confirmation(commit):
    user = UserFactory()
    MeetingMailSettings.objects.create(user=user, updates=False)

    with commit(execute=True):
        registration_register(meeting=_tomorrow(), user=user)

    assert mail.outbox == []
