"""Two upcoming and two past demo meetings, with registrations, an agenda, attendance
and notes in the nazit, one of them turned into a published learning story. Safe to run
again: a demo meeting is recognised by its title. Never run this in production."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from book.models import Access, Book, Chapter
from members.models import Membership
from stories import notifications
from stories.moderation import story_moderate
from stories.writing import story_update

from ...agenda import (
    agenda_item_add,
    agenda_item_mark,
    agenda_item_support,
    note_add,
    note_to_story,
)
from ...models import AgendaState, Meeting, Registration, RegistrationStatus
from ...services import MeetingDetails, meeting_create, registration_register

CURATOR_EMAIL = "redactie@example.org"
OPENING = "Wat bracht je hier, los van je functie?"

#: (title, days from today, hours, place, online link, capacity, audience, agenda items)
UPCOMING = [
    (
        "Koffie in Zwolle: wie maakt de wijk?",
        9,
        (19, 21),
        "Stadkantoor, Lubeckplein 2, Zwolle",
        "",
        12,
        Access.OPEN,
        ["Inspraak die te laat komt", "Wie betaalt het buurtbudget?"],
    ),
    (
        "Online nazit: samen schrijven aan hoofdstuk 2",
        23,
        (20, 21),
        "",
        "https://meet.example.org/boek-samen-schrijven",
        None,
        Access.MEMBERS,
        [],
    ),
]
PAST = [
    (
        "Tafelgesprek in Deventer",
        -6,
        (15, 17),
        "Bibliotheek Deventer, Brink 70",
        ["Loslaten als ambtenaar", "Waar vinden we elkaar?"],
        [
            "Ik neem mee dat we eerst moeten luisteren en dan pas een plan maken.",
            "Ik wil Fatima terugzien: zij weet hoe je een buurtfonds opzet.",
        ],
    ),
    (
        "Leren van de Kaaspoort",
        -12,
        (10, 12),
        "De Kaaspoort, Vlaardingen",
        ["Een ondernemer aan tafel"],
        ["De ondernemer wist meer van de buurt dan wij."],
    ),
]


class Command(BaseCommand):
    help = "Add demo meetings with an agenda and a nazit (for local use only)."

    def handle(self, *args, **options):
        curator = get_user_model().objects.filter(email=CURATOR_EMAIL, is_staff=True).first()
        book = Book.objects.current()
        chapters = list(Chapter.objects.published().filter(book=book).in_order()) if book else []
        members = [m.user for m in Membership.objects.current().exclude(user=curator)[:6]]
        if curator is None or not chapters or len(members) < 4:
            raise CommandError("Draai eerst load_demo: de demo-leden en het boek ontbreken.")
        made = 0
        # Demo members are invented people: nobody to mail.
        with transaction.atomic(), notifications.muted():
            for index, row in enumerate(UPCOMING):
                if not Meeting.objects.filter(title=row[0]).exists():
                    self._upcoming(row, curator=curator, chapter=chapters[index], members=members)
                    made += 1
            for index, past in enumerate(PAST):
                if not Meeting.objects.filter(title=past[0]).exists():
                    self._past(
                        past, curator=curator, chapters=chapters, members=members, first=index == 0
                    )
                    made += 1
        self.stdout.write(f"Demo meetings added: {made}.")

    def _details(
        self, title, days, hours, place, link="", capacity=None, audience=Access.OPEN, chapter=None
    ):
        day = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
        return MeetingDetails(
            title=title,
            opening_question=OPENING,
            description="Geen sprekers, geen presentaties: we beginnen met de **nazit**.",
            starts_at=day.replace(hour=hours[0]),
            ends_at=day.replace(hour=hours[1]),
            place=place,
            online_url=link,
            capacity=capacity,
            audience=audience,
            chapters=[chapter] if chapter else [],
        )

    def _upcoming(self, row, *, curator, chapter, members):
        title, days, hours, place, link, capacity, audience, items = row
        meeting = meeting_create(
            user=curator,
            details=self._details(title, days, hours, place, link, capacity, audience, chapter),
        )
        for user in members[:3]:
            registration_register(meeting=meeting, user=user, bringing="Een verhaal uit mijn wijk")
        for n, item in enumerate(items):
            added = agenda_item_add(meeting=meeting, user=members[n], title=item)
            agenda_item_support(item=added, user=members[(n + 1) % 3])

    def _past(self, row, *, curator, chapters, members, first):
        title, days, hours, place, items, notes = row
        meeting = meeting_create(
            user=curator, details=self._details(title, days, hours, place, chapter=chapters[0])
        )
        # Registering and the agenda close at the start, which lies behind these: the
        # rows are written as they stood when the meeting began.
        for user in members[:4]:
            Registration.objects.create(
                meeting=meeting, user=user, status=RegistrationStatus.GOING, attended=True
            )
        for n, item in enumerate(items):
            added = meeting.agenda_items.create(author=members[n], title=item, position=n + 1)
            agenda_item_mark(item=added, user=curator, state=AgendaState.DISCUSSED)
        for n, body in enumerate(notes):
            note = note_add(meeting=meeting, user=members[n], body=body)
            if first and n == 0:
                story = note_to_story(
                    note=note, user=members[n], chapter=chapters[0], title="Eerst luisteren"
                )
                story = story_update(
                    story=story, editor=members[n], title=story.title, body=story.body, submit=True
                )
                if story.status == "pending":
                    story_moderate(story=story, curator=None, action="approve")
