"""load_demo brings two upcoming and two past meetings with an agenda and a nazit."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from meetings.models import AgendaItem, Meeting, Note, Registration
from stories.models import Status, Story

pytestmark = pytest.mark.django_db


def test_the_demo_meetings_and_again_nothing_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0, stdout=io.StringIO())

    upcoming = list(Meeting.objects.published().upcoming())
    past = list(Meeting.objects.published().past())
    assert len(upcoming) == 2 and len(past) == 2
    assert all(m.registrations.exists() for m in upcoming + past)
    assert AgendaItem.objects.filter(meeting__in=upcoming).exists()
    assert all(m.agenda_items.exists() for m in past)
    assert all(m.notes.exists() for m in past)
    assert Registration.objects.filter(meeting__in=past, attended=True).exists()
    story = Story.objects.get(meeting_notes__isnull=False)
    assert story.status == Status.PUBLISHED
    assert mail.outbox == []
    counts = (Meeting.objects.count(), Note.objects.count(), Registration.objects.count())

    call_command("load_demo_meetings", verbosity=0, stdout=io.StringIO())

    assert (Meeting.objects.count(), Note.objects.count(), Registration.objects.count()) == counts


def test_the_demo_meetings_need_the_demo_members():
    with pytest.raises(CommandError):
        call_command("load_demo_meetings", verbosity=0)
