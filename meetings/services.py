"""Meetings and registration: a curator creates and publishes a meeting, a member
proposes one (it waits in the curators' queue), hosts change theirs, and people register
for the places there are, or wait for one.

Every decision of a curator on a meeting (publishing a proposal, cancelling) is written
to the stories app's audit log (stories.moderation.audit_log_write) in the change's
transaction, by target type "meeting".

Capacity under concurrency: a registration reads the meeting row FOR UPDATE before it
counts who is going, so registrations for one meeting take turns (on SQLite every write
transaction is IMMEDIATE and they take turns anyway); a place is never given twice."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from book.models import Access, Chapter
from core.images import ProcessedPhoto, files_delete_on_commit, photo_set
from core.markdown import render_markdown
from members.models import Membership
from organisations.models import Organisation
from stories.models import ModerationKind, TargetType
from stories.moderation import audit_log_write

from .calendar import calendar_bytes
from .models import (
    AgendaItem,
    AgendaState,
    AgendaSupport,
    MailKind,
    Meeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)
from .notifications import meeting_mail, meeting_url


class MeetingError(Exception):
    """A change that cannot go through; `message` is for the person who tried, `field`
    the form field it is about (None: the whole form)."""

    def __init__(self, message, *, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(str(message))

    def __str__(self):
        return str(self.message)


class NotAllowed(MeetingError):
    def __init__(self, message=None):
        super().__init__(message or _("Dat mag je niet doen."))


@dataclass
class MeetingDetails:
    """What people fill in for a meeting; the same for creating, proposing and changing."""

    title: str
    starts_at: datetime
    ends_at: datetime
    opening_question: str = ""
    description: str = ""
    place: str = ""
    online_url: str = ""
    capacity: int | None = None
    audience: str = Access.OPEN
    chapters: Iterable[Chapter] = field(default_factory=list)
    host_organisation: Organisation | None = None
    #: Parked agenda items of an earlier meeting to carry to this one (a copy).
    carried: list[AgendaItem] = field(default_factory=list)
    photo: ProcessedPhoto | None = None
    remove_photo: bool = False
    photo_alt: str = ""

    def checked(self) -> "MeetingDetails":
        """These details, stripped, once they make a meeting; MeetingError otherwise."""
        self.title = self.title.strip()
        self.place = self.place.strip()
        self.online_url = self.online_url.strip()
        if not self.title:
            raise MeetingError(_("Geef de bijeenkomst een titel."), field="title")
        if timezone.is_naive(self.starts_at) or timezone.is_naive(self.ends_at):
            raise ValueError("meeting times must be aware")
        if self.ends_at <= self.starts_at:
            raise MeetingError(_("Het einde moet na het begin liggen."), field="ends_at")
        if self.capacity is not None and self.capacity <= 0:
            raise MeetingError(
                _("Het aantal plaatsen moet 1 of meer zijn; laat het leeg voor geen grens."),
                field="capacity",
            )
        if self.online_url:
            parts = urlsplit(self.online_url)
            if parts.scheme.lower() != "https" or not parts.netloc:
                raise MeetingError(
                    _("Een online link moet met https:// beginnen."), field="online_url"
                )
        if not self.place and not self.online_url:
            raise MeetingError(
                _("Geef een plaats (adres), een online link of allebei."), field="place"
            )
        if self.host_organisation is not None and self.host_organisation.successor_id:
            raise MeetingError(
                _("Deze organisatie bestaat niet meer; kies de organisatie waarin ze opging."),
                field="host_organisation",
            )
        if self.audience not in Access.values:
            raise MeetingError(_("Kies voor wie de bijeenkomst is."), field="audience")
        return self


def is_curator(user) -> bool:
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("meetings.change_meeting")
    )


def _slug_for(title: str, starts_at: datetime) -> str:
    base = f"{slugify(title)[:150] or 'bijeenkomst'}-{timezone.localtime(starts_at):%Y-%m-%d}"
    slug, n = base, 1
    while Meeting.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(meeting: Meeting, details: MeetingDetails) -> list[str | None]:
    """Copy `details` onto `meeting`; returns the files no longer used."""
    meeting.title = details.title
    meeting.opening_question = details.opening_question.strip()
    meeting.description = details.description
    meeting.description_html = render_markdown(details.description).html
    meeting.starts_at = details.starts_at
    meeting.ends_at = details.ends_at
    meeting.place = details.place
    meeting.online_url = details.online_url
    meeting.capacity = details.capacity
    meeting.audience = details.audience
    meeting.host_organisation = details.host_organisation
    meeting.photo_alt = details.photo_alt.strip()
    return photo_set(meeting, details.photo, remove=details.remove_photo)


def meeting_page_changed(*, meeting: Meeting | None = None, pks: Iterable[int] = ()) -> None:
    """Something the page of `meeting` (or of the meetings `pks`) shows changed besides
    the meeting's row (a registration, the agenda, the nazit): raises its
    `page_version`, which the cached pages are keyed by. Call it in the transaction
    that makes the change."""
    pks = {*pks, *([meeting.pk] if meeting is not None else [])}
    if pks:
        Meeting.objects.filter(pk__in=pks).update(page_version=F("page_version") + 1)


def _log(*, curator, meeting: Meeting, action: str, reason: str = "") -> None:
    audit_log_write(
        curator=curator,
        action=action,
        target_type=TargetType.MEETING,
        target_id=meeting.pk,
        target_title=meeting.title,
        reason=reason,
    )


def _made(*, details: MeetingDetails, status: str, hosts, proposed_by=None) -> Meeting:
    details.checked()
    meeting = Meeting(
        slug=_slug_for(details.title, details.starts_at), status=status, proposed_by=proposed_by
    )
    _apply(meeting, details)
    meeting.save()
    meeting.chapters.set(details.chapters)
    meeting.hosts.set(hosts)
    _carry(meeting, details.carried)
    return meeting


def _carry(meeting: Meeting, items: Iterable[AgendaItem]) -> None:
    """Parked items of an earlier meeting open this one's agenda, in their order, each
    with its author and everyone who wanted it discussed."""
    items = sorted(items, key=lambda item: (item.position, item.created_at, item.pk))
    if any(item.state != AgendaState.PARKED for item in items):
        raise MeetingError(_("Alleen geparkeerde punten gaan mee."), field="carry")
    for position, item in enumerate(items, start=1):
        carried = AgendaItem.objects.create(
            meeting=meeting,
            author_id=item.author_id,
            title=item.title,
            body=item.body,
            position=position,
            carried_from=item,
        )
        AgendaSupport.objects.bulk_create(
            AgendaSupport(item=carried, user_id=user_id)
            for user_id in item.supports.values_list("user_id", flat=True)
        )


def meeting_create(
    *, user, details: MeetingDetails, hosts: Iterable[Membership] = (), publish: bool = True
) -> Meeting:
    """A curator's meeting, published at once (or kept as a proposal with
    `publish=False`). Without `hosts` the curator hosts it, when they hold a copy."""
    if not is_curator(user):
        raise NotAllowed
    hosts = list(hosts)
    if not hosts:
        own = Membership.objects.for_user(user)
        hosts = [own] if own is not None else []
    with transaction.atomic():
        status = MeetingStatus.PUBLISHED if publish else MeetingStatus.PROPOSED
        meeting = _made(details=details, status=status, hosts=hosts)
        if publish:
            _log(curator=user, meeting=meeting, action=ModerationKind.APPROVE)
        return meeting


def meeting_propose(*, membership: Membership, details: MeetingDetails) -> Meeting:
    """A member proposes a meeting, which they host; it waits for a curator."""
    with transaction.atomic():
        return _made(
            details=details,
            status=MeetingStatus.PROPOSED,
            hosts=[membership],
            proposed_by=membership,
        )


def meeting_publish(*, meeting: Meeting, curator) -> Meeting:
    """A curator publishes a proposal; logged as an approval."""
    if not is_curator(curator):
        raise NotAllowed
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.PROPOSED:
            raise MeetingError(_("Deze bijeenkomst is geen voorstel (meer)."))
        meeting.status = MeetingStatus.PUBLISHED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        _log(curator=curator, meeting=meeting, action=ModerationKind.APPROVE)
        return meeting


def _may_change(meeting: Meeting, user) -> bool:
    return is_curator(user) or meeting.is_hosted_by(user)


def meeting_cancel(*, meeting: Meeting, user, reason: str = "") -> Meeting:
    """A host or a curator calls a meeting off (or a curator declines a proposal).
    Everyone registered hears of it; a curator's decision is logged."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not _may_change(meeting, user):
            raise NotAllowed
        if meeting.is_cancelled:
            raise MeetingError(_("Deze bijeenkomst is al afgelast."))
        if meeting.is_over:
            raise MeetingError(_("Deze bijeenkomst is al voorbij."))
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
        if user.is_staff:
            _log(curator=user, meeting=meeting, action=ModerationKind.CANCEL, reason=reason.strip())
        meeting_mail(
            kind=MailKind.UPDATES,
            users=_registered_users(meeting),
            template="cancelled",
            context={
                "meeting": meeting,
                "reason": reason.strip(),
                "meeting_url": lambda: meeting_url(meeting),
            },
        )
        return meeting


def _registered_users(meeting: Meeting):
    return [r.user for r in meeting.registrations.active().select_related("user")]


def meeting_update(*, meeting: Meeting, user, details: MeetingDetails) -> Meeting:
    """A host or a curator changes a meeting. A change of time or place is mailed to
    everyone registered (going or waiting); every change raises the calendar SEQUENCE."""
    details.checked()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not _may_change(meeting, user):
            raise NotAllowed
        if meeting.is_cancelled:
            raise MeetingError(_("Een afgelaste bijeenkomst verandert niet meer."))
        before = (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_url)
        stale = _apply(meeting, details)
        meeting.sequence += 1
        meeting.save()
        meeting.chapters.set(details.chapters)
        files_delete_on_commit(stale)
        if before != (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_url):
            meeting_mail(
                kind=MailKind.UPDATES,
                users=_registered_users(meeting),
                template="changed",
                context={"meeting": meeting, "meeting_url": lambda: meeting_url(meeting)},
            )
        return meeting


# ---- Registration -----------------------------------------------------------------------


def registration_register(*, meeting: Meeting, user, bringing: str = "") -> Registration:
    """`user` registers: going while there are places, else on the waiting list.
    Registering again changes "wat ik meebreng" and keeps the place; after cancelling,
    registering again starts at the back of the line."""
    bringing = bringing.strip()
    if len(bringing) > 500:
        raise MeetingError(_("Houd het kort: hoogstens 500 tekens."), field="bringing")
    if not user.is_authenticated:
        raise NotAllowed
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_cancelled:
            raise MeetingError(_("Deze bijeenkomst is afgelast; aanmelden kan niet meer."))
        if not meeting.is_published:
            raise MeetingError(_("Deze bijeenkomst is nog niet gepubliceerd."))
        if meeting.has_started:
            raise MeetingError(_("Deze bijeenkomst is al begonnen; aanmelden kan niet meer."))
        if not meeting.admits(user):
            raise NotAllowed(
                _("Deze bijeenkomst is alleen voor leden. Claim eerst een exemplaar van het boek.")
            )
        registration = Registration.objects.filter(meeting=meeting, user=user).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            registration.bringing = bringing
            registration.save(update_fields=["bringing", "updated_at"])
            meeting_page_changed(meeting=meeting)
            return registration
        going = meeting.registrations.going().count()
        status = (
            RegistrationStatus.GOING
            if meeting.capacity is None or going < meeting.capacity
            else RegistrationStatus.WAITING
        )
        if registration is None:
            registration = Registration(meeting=meeting, user=user)
        registration.status = status
        registration.bringing = bringing
        registration.created_at = timezone.now()
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # The same person twice at once (a double click): the first one counts.
            return Registration.objects.get(meeting=meeting, user=user)
        meeting_page_changed(meeting=meeting)
        meeting_mail(
            kind=MailKind.UPDATES,
            users=[user],
            template="registered",
            context={
                "meeting": meeting,
                "registration": registration,
                "meeting_url": lambda: meeting_url(meeting),
            },
            attachments=[
                [
                    f"{meeting.slug}.ics",
                    calendar_bytes([meeting], name=meeting.title).decode(),
                    "text/calendar",
                ]
            ],
        )
        return registration


def registration_cancel(*, meeting: Meeting, user) -> Registration:
    """`user` cancels. A freed place goes to the first on the waiting list, who is told."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registration = Registration.objects.active().filter(meeting=meeting, user=user).first()
        if registration is None:
            raise MeetingError(_("Je bent niet aangemeld voor deze bijeenkomst."))
        was_going = registration.status == RegistrationStatus.GOING
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        if was_going and not meeting.has_started:
            waiting_list_promote(meeting=meeting)
        meeting_page_changed(meeting=meeting)
        return registration


def waiting_list_promote(*, meeting: Meeting) -> Registration | None:
    """Give a free place to the first one waiting; inside the caller's transaction,
    with the meeting row locked."""
    if meeting.capacity is not None and meeting.registrations.going().count() >= meeting.capacity:
        return None
    first = meeting.registrations.waiting().select_related("user").first()
    if first is None:
        return None
    first.status = RegistrationStatus.GOING
    first.save(update_fields=["status", "updated_at"])
    meeting_page_changed(meeting=meeting)
    meeting_mail(
        kind=MailKind.UPDATES,
        users=[first.user],
        template="promoted",
        context={"meeting": meeting, "meeting_url": lambda: meeting_url(meeting)},
    )
    return first
