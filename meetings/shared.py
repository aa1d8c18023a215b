"""What the cached meetings' pages are keyed by, read from the database on every
request in one prepared query each (core.prepared, core.cache): a change made through
one worker must show at once in the others, whose caches are their own.

A meeting's row changes its `updated_at` when the meeting is edited, published or
cancelled; registrations, the agenda and the nazit raise its `page_version`
(meetings.services.meeting_page_changed); the stories beneath the chapters and the
authors' and hosts' names raise the chapters' `stories_version`
(book.services.chapter_stories_changed); an organisation's name its `version`
(organisations.services.organisations_changed). What passes with time (a meeting that
starts, ends, whose nazit closes) the database's own clock decides, in the same query,
so the queries need no time parameter.

The calendar feeds are keyed (and their ETags made) the same way: `feed_version` and
`organisation_feed_state`."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Concat, Now

from book.models import Chapter
from core.prepared import Prepared
from organisations.models import Organisation

from .calendar import in_feed
from .models import NAZIT_DAYS, Meeting, MeetingQuerySet, MeetingStatus, Registration


def upcoming_meetings(**about) -> Subquery:
    """The published meetings not yet over (`about` narrows them: chapters__slug=...),
    as one key part computed in a page's one query: how many there are and the latest
    updated_at among them ("3/2026-12-03 14:00:00+00"), in one scan of them. A page
    shows the first few (Meeting.objects.next_shown); any change to one of those saves
    its row (a later updated_at than any before), and one that ends, is cancelled or
    is published changes the count."""
    upcoming = (
        Meeting.objects.published().filter(ends_at__gt=Now(), **about).order_by().values("status")
    )
    return Subquery(
        upcoming.annotate(
            k=Concat(
                Func("pk", function="COUNT"),
                Value("/"),
                Func("updated_at", function="MAX"),
                output_field=CharField(),
            )
        ).values("k")
    )


def chapters_version() -> tuple[Subquery, Subquery]:
    """Every chapter's stories and titles, as two key parts: the sum of their
    `stories_version` (each only goes up) and their latest `updated_at` (a title, the
    access, publishing). A book has a handful of chapters."""
    chapters = Chapter.objects.order_by()
    return (
        Subquery(chapters.annotate(v=Func("stories_version", function="SUM")).values("v")),
        Subquery(chapters.annotate(t=Func("updated_at", function="MAX")).values("t")),
    )


#: What the list of meetings depends on, past and upcoming: every meeting's row
#: (a proposal's host organisation is among the filter's choices too), registrations
#: (the cards' counts), the host organisations' names, which meetings are over, the
#: chapters (the filter's choices, the cards' titles). One row, over every meeting.
_list_versions = Prepared(
    lambda: (
        Meeting.objects.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(
            count=Count("pk"),
            updated=Max("updated_at"),
            page_versions=Sum("page_version"),
            organisations=Sum("host_organisation__version"),
            upcoming=Count("pk", filter=Q(status=MeetingStatus.PUBLISHED, ends_at__gt=Now())),
            stories=chapters_version()[0],
            chapters=chapters_version()[1],
        )
        .values_list(
            "count", "updated", "page_versions", "organisations", "upcoming", "stories", "chapters"
        )
    )
)


def list_version() -> tuple:
    """The key parts of the list of meetings (`_list_versions`)."""
    return tuple(_list_versions.first() or ())


@dataclass(frozen=True)
class MeetingState:
    """A meeting's row as its cached page needs it before anything else."""

    #: What the page shows changes with these (the module's docstring).
    version: tuple
    #: Whether everyone may see the page (published or cancelled).
    announced: bool
    #: Whether the meeting is the visitor's own: they registered (in whatever state),
    #: host it or proposed it. Their page shows what is theirs, and is not shared.
    own: bool


_meeting = Prepared(
    lambda slug, user: (
        Meeting.objects.filter(slug=slug)
        .annotate(
            host_version=F("host_organisation__version"),
            started=Q(starts_at__lte=Now()),
            over=Q(ends_at__lte=Now()),
            nazit_closed=Q(ends_at__lte=Now() - timedelta(days=NAZIT_DAYS)),
            own=Exists(Registration.objects.filter(meeting=OuterRef("pk"), user=user))
            | Exists(
                Meeting.hosts.through.objects.filter(meeting=OuterRef("pk"), membership__user=user)
            )
            | Q(proposed_by__user=user),
            chapters_stories=chapters_version()[0],
            chapters_updated=chapters_version()[1],
        )
        .values_list(
            "status",
            "updated_at",
            "page_version",
            "host_version",
            "started",
            "over",
            "nazit_closed",
            "chapters_stories",
            "chapters_updated",
            "own",
        )
    )
)


def meeting_state(slug: str, user_pk: int | None) -> MeetingState | None:
    """The meeting `slug` as seen by the user `user_pk` (None: anonymous), or None when
    there is no such meeting."""
    row = _meeting.first(slug=slug, user=user_pk or 0)
    if row is None:
        return None
    *version, own = row
    return MeetingState(
        version=tuple(version),
        announced=row[0] in (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED),
        own=bool(own),
    )


# ---- The calendar feeds -------------------------------------------------------------

#: What a feed is keyed by (`_feed_summary`).
FEED_PARTS = ("count", "pks", "updated", "sequences")


def _feed_summary(meetings: MeetingQuerySet) -> QuerySet:
    """The meetings of `meetings` a feed holds (meetings.calendar.in_feed), summed up in
    one row, whatever their number: how many, the sum of their pks, their latest
    `updated_at` and the sum of their SEQUENCEs. Every edit, publication and
    cancellation saves a meeting's row (a later `updated_at`) and raises its SEQUENCE;
    a meeting that leaves the feed (moved to another host, deleted, ended
    FEED_DAYS_BACK ago) changes the count and the pks. Written without GROUP BY, so it
    also answers one row for no meetings, and as a subquery of another row."""
    return (
        in_feed(meetings)
        .order_by()
        .annotate(
            count=Func("pk", function="COUNT"),
            pks=Func("pk", function="SUM"),
            updated=Func("updated_at", function="MAX"),
            sequences=Func("sequence", function="SUM"),
        )
    )


_feed_versions = Prepared(lambda: _feed_summary(Meeting.objects.all()).values_list(*FEED_PARTS))


def feed_version() -> tuple:
    """The key parts of the feed of every announced meeting (`_feed_summary`)."""
    return tuple(_feed_versions.first() or ())


@dataclass(frozen=True)
class OrganisationFeedState:
    """An organisation's row as its feed needs it, before anything else."""

    pk: int
    name: str
    #: The slug of the organisation it merged into (None while it exists on its own):
    #: its feed is that one's now.
    successor: str | None
    #: What the feed shows changes with these: the organisation's name and `version`
    #: (organisations.services.organisations_changed) and its meetings (`_feed_summary`).
    version: tuple


_organisation_feed = Prepared(
    lambda slug: (
        Organisation.objects.filter(slug=slug)
        .annotate(
            **{
                part: Subquery(
                    _feed_summary(Meeting.objects.filter(host_organisation=OuterRef("pk"))).values(
                        part
                    )
                )
                for part in FEED_PARTS
            }
        )
        .values_list("pk", "name", "successor__slug", "version", *FEED_PARTS)
    )
)


def organisation_feed_state(slug: str) -> OrganisationFeedState | None:
    """The organisation `slug` and what its feed is keyed by, in one query; None when
    there is no such organisation."""
    row = _organisation_feed.first(slug=slug)
    if row is None:
        return None
    pk, name, successor, *version = row
    return OrganisationFeedState(pk=pk, name=name, successor=successor, version=(name, *version))
