"""The meetings app's part of a person's data rights (community.privacy calls both):
what it holds about them for the data download, and what leaving does to it. An
account needs no copy of the book to register, so both go by the user."""

from django.db import transaction

from core.exports import iso_or_none

from .models import (
    AgendaItem,
    AgendaSupport,
    Meeting,
    MeetingMailSettings,
    Note,
    Registration,
    RegistrationStatus,
    SeeAgain,
)
from .services import meeting_page_changed, waiting_list_promote


def meetings_export_for(*, user) -> dict:
    """Their registrations, the agenda items they brought in, their nazit notes, whom
    they said they would like to see again, and which meeting e-mails they get."""
    registrations = Registration.objects.filter(user=user).select_related("meeting")
    items = AgendaItem.objects.filter(author=user).select_related("meeting")
    notes = Note.objects.filter(author=user).select_related("meeting", "story")
    marks = SeeAgain.objects.filter(user=user).select_related("meeting")
    mail = MeetingMailSettings.objects.filter(user=user).first()
    return {
        "meeting_registrations": [
            {
                "meeting": r.meeting.title,
                "starts_at": iso_or_none(r.meeting.starts_at),
                "status": r.status,
                "bringing": r.bringing,
                "attended": r.attended,
                "created_at": iso_or_none(r.created_at),
            }
            for r in registrations.order_by("created_at", "pk")
        ],
        "agenda_items": [
            {
                "meeting": item.meeting.title,
                "title": item.title,
                "body": item.body,
                "state": item.state,
                "created_at": iso_or_none(item.created_at),
            }
            for item in items.order_by("created_at", "pk")
        ],
        "meeting_notes": [
            {
                "meeting": note.meeting.title,
                "body": note.body,
                "story": note.story.title if note.story else None,
                "created_at": iso_or_none(note.created_at),
            }
            for note in notes.order_by("created_at", "pk")
        ],
        "meeting_see_again": [
            {
                "meeting": mark.meeting.title,
                "other_account": mark.other_id,
                "created_at": iso_or_none(mark.created_at),
            }
            for mark in marks.order_by("created_at", "pk")
        ],
        "meeting_mail_settings": None
        if mail is None
        else {"updates": mail.updates, "reminders": mail.reminders, "nazit": mail.nazit},
    }


def meetings_on_account_delete(*, user, keep_stories: bool) -> None:
    """Called by the account deletion, in its transaction, before the user goes.

    Always gone (with the account, by their foreign keys, if not here): the meeting
    e-mail settings, the "wie wil je terugzien?" marks by and of them, registrations (a place they held in a meeting still to come goes to
    the first on its waiting list) and their "dit wil ik ook bespreken". Agenda items
    and nazit notes are what they said in a conversation with others, so they follow
    the choice for stories: kept without their name (`keep_stories`), or deleted."""
    with transaction.atomic():
        held = list(
            Registration.objects.filter(user=user, status=RegistrationStatus.GOING).values_list(
                "meeting", flat=True
            )
        )
        # Their registrations, support and words leave the pages of these meetings.
        meeting_page_changed(
            pks=[
                *Registration.objects.filter(user=user).values_list("meeting", flat=True),
                *AgendaSupport.objects.filter(user=user).values_list("item__meeting", flat=True),
                *AgendaItem.objects.filter(author=user).values_list("meeting", flat=True),
                *Note.objects.filter(author=user).values_list("meeting", flat=True),
            ]
        )
        Registration.objects.filter(user=user).delete()
        for meeting in Meeting.objects.select_for_update().filter(pk__in=held):
            if not meeting.has_started and not meeting.is_cancelled:
                waiting_list_promote(meeting=meeting)
        AgendaSupport.objects.filter(user=user).delete()
        items = AgendaItem.objects.filter(author=user)
        notes = Note.objects.filter(author=user)
        if keep_stories:
            items.update(author=None)
            notes.update(author=None)
        else:
            items.delete()
            notes.delete()
