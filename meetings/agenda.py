"""The open agenda and the nazit of a meeting.

The agenda: people registered for a meeting (going or waiting) add items until it
starts, others say "dit wil ik ook bespreken"; the hosts order the items and mark them
discussed or parked. The nazit: from the end of the meeting, for NAZIT_DAYS days, the
people who were there write notes. Who was there: whom a host marked, and whoever was
going and says so ("ik was er"; writing a note says it too). A note becomes a draft
learning story through the stories app's own writing service, and goes through
moderation as every story does."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from members.models import Membership
from stories.models import Story
from stories.writing import story_submit

from .models import (
    AgendaItem,
    AgendaState,
    AgendaSupport,
    Meeting,
    Note,
    Registration,
    RegistrationStatus,
)
from .services import MeetingError, NotAllowed, is_curator, meeting_page_changed


def _registration(meeting: Meeting, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.active().filter(meeting=meeting, user=user).first()


def _agenda_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise MeetingError(_("Deze bijeenkomst is afgelast."))
    if meeting.has_started:
        raise MeetingError(
            _("De bijeenkomst is begonnen: de agenda ligt nu in de zaal, niet meer hier.")
        )


def agenda_item_add(*, meeting: Meeting, user, title: str, body: str = "") -> AgendaItem:
    """Someone registered (or a host) adds an item, at the end of the agenda."""
    title, body = title.strip(), body.strip()
    if not title:
        raise MeetingError(_("Geef het agendapunt een onderwerp."), field="title")
    if len(title) > 200 or len(body) > 1000:
        raise MeetingError(_("Houd het kort: een onderwerp en een paar regels."), field="body")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if _registration(meeting, user) is None and not meeting.is_hosted_by(user):
            raise NotAllowed(_("Meld je aan om iets op de agenda te zetten."))
        _agenda_open(meeting)
        last = meeting.agenda_items.order_by("-position").values_list("position", flat=True)
        position = (last.first() or 0) + 1
        meeting_page_changed(meeting=meeting)
        return AgendaItem.objects.create(
            meeting=meeting, author=user, title=title, body=body, position=position
        )


def agenda_item_support(*, item: AgendaItem, user) -> bool:
    """ "Dit wil ik ook bespreken", or taking it back; returns whether `user` now
    supports the item. Not for one's own item."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        if _registration(meeting, user) is None and not meeting.is_hosted_by(user):
            raise NotAllowed(_("Meld je aan om mee te denken over de agenda."))
        _agenda_open(meeting)
        if item.author_id == user.pk:
            raise MeetingError(_("Dit punt heb je zelf ingebracht."))
        meeting_page_changed(meeting=meeting)
        deleted, _rows = AgendaSupport.objects.filter(item=item, user=user).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                AgendaSupport.objects.create(item=item, user=user)
        except IntegrityError:
            pass  # a double click: supported once
        return True


def agenda_item_mark(
    *, item: AgendaItem, user, state: str | None = None, position: int | None = None
) -> AgendaItem:
    """A host (or a curator) marks an item discussed, parked or open again, or moves it
    to `position` (the others keep their order around it)."""
    if state is not None and state not in AgendaState.values:
        raise MeetingError(_("Onbekende stand."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        if not (meeting.is_hosted_by(user) or is_curator(user)):
            raise NotAllowed
        item = AgendaItem.objects.get(pk=item.pk)
        meeting_page_changed(meeting=meeting)
        if state is not None:
            item.state = state
            item.save(update_fields=["state"])
        if position is not None:
            items = list(meeting.agenda_items.order_by("position", "created_at", "pk"))
            items.remove(next(i for i in items if i.pk == item.pk))
            items.insert(max(0, min(position - 1, len(items))), item)
            for number, each in enumerate(items, start=1):
                if each.position != number:
                    each.position = number
                    each.save(update_fields=["position"])
        return item


# ---- The nazit ----------------------------------------------------------------------------


def attendance_mark(*, meeting: Meeting, user, registration: Registration, attended: bool):
    """A host says whether someone registered was there."""
    with transaction.atomic():
        if not (meeting.is_hosted_by(user) or is_curator(user)):
            raise NotAllowed
        if registration.meeting_id != meeting.pk:
            raise NotAllowed
        if not meeting.has_started:
            raise MeetingError(_("Aanwezigheid kun je pas bijhouden als de bijeenkomst begint."))
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
        meeting_page_changed(meeting=meeting)
        return registration


def was_there(meeting: Meeting, user) -> bool:
    """Whether `user` may write in the nazit: a host, or someone going (who says, by
    writing, that they were there) or marked present by a host."""
    if meeting.is_hosted_by(user):
        return True
    registration = _registration(meeting, user)
    return registration is not None and (
        registration.attended or registration.status == RegistrationStatus.GOING
    )


def note_add(*, meeting: Meeting, user, body: str) -> Note:
    """A note in the nazit, while it is open; writing one says "ik was er"."""
    body = body.strip()
    if not body:
        raise MeetingError(_("Schrijf op wat je meeneemt."), field="body")
    if len(body) > 2000:
        raise MeetingError(_("Houd het kort: hoogstens 2000 tekens."), field="body")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled or not meeting.nazit_is_open:
            raise MeetingError(
                _("De nazit staat open vanaf het einde van de bijeenkomst, veertien dagen lang.")
            )
        if not was_there(meeting, user):
            raise NotAllowed(_("Alleen wie erbij was, schrijft in de nazit."))
        Registration.objects.filter(meeting=meeting, user=user).exclude(
            status=RegistrationStatus.CANCELLED
        ).update(attended=True)
        meeting_page_changed(meeting=meeting)
        return Note.objects.create(meeting=meeting, author=user, body=body)


def note_to_story(*, note: Note, user, chapter: Chapter, title: str) -> Story:
    """ "Maak er een leerverhaal van": the note becomes a draft story by its author
    beneath `chapter` (one they may read), linked to the meeting through the note. The
    author finishes it and submits it as any story."""
    membership = Membership.objects.for_user(user)
    if note.author_id != user.pk:
        raise NotAllowed
    if membership is None:
        raise NotAllowed(_("Een leerverhaal schrijf je als lid: claim eerst een exemplaar."))
    if not Chapter.objects.readable_by(user).filter(pk=chapter.pk).exists():
        raise MeetingError(_("Kies een hoofdstuk."), field="chapter")
    title = title.strip()
    if not title:
        raise MeetingError(_("Geef je verhaal een titel."), field="title")
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note.pk)
        if note.story is not None:
            return note.story
        story = story_submit(
            author=membership, chapter=chapter, title=title[:200], body=note.body, draft=True
        )
        note.story = story
        note.save(update_fields=["story"])
        meeting_page_changed(meeting=note.meeting)
        return story
