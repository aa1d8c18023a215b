"""Figures about the community for the curators' statistics page, and the few public,
privacy-safe counts on the home page.

Every table is one aggregate query (two for the invitation tree's summary, which is
worked out in Python from one query of (member, invited by) pairs), so the page's
query count does not grow with the community. Members' profiles (role, municipality)
may not exist yet, or live on the membership or on the user: the lookups below find
the field in the model metadata and leave the table empty when there is none."""

from collections import Counter
from typing import cast

from django.db import models
from django.db.models import Count, Exists, Field, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from book.models import Book, Chapter
from core import cache
from introductions.models import Answer as IntroductionAnswer
from introductions.models import Introduction, Message, Participation, Round
from meetings.models import Meeting, Note, Registration, RegistrationStatus, SeeAgain
from members.models import CodeBatch, How, Membership, Profile
from organisations.models import Affiliation, Organisation
from stories.models import (
    PUBLIC_STATUSES,
    Reaction,
    ReactionKind,
    Reply,
    Status,
    published_story_counts,
)

from .growth_statistics import invitations_over_time, members_by_route_over_time, welcome_funnel
from .tables import Table, as_date, months_between

PUBLIC_COUNTS_KEY = "community:public-counts"


def members_over_time() -> Table:
    table = Table(
        slug="leden-per-maand",
        title=_("Leden per maand"),
        description=_("Nieuwe leden per maand en het totaal aan het eind van de maand."),
        columns=[_("Maand"), _("Nieuwe leden"), _("Totaal")],
        chart="line",
        chart_column=2,
    )
    per_month = {
        as_date(row["month"]): row["n"]
        for row in Membership.objects.annotate(month=TruncMonth("claimed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    }
    if per_month:
        total = 0
        for month in months_between(min(per_month), max(per_month)):
            total += per_month.get(month, 0)
            table.rows.append([month.strftime("%Y-%m"), per_month.get(month, 0), total])
    return table


def _grouped_by_profile(name: str, slug: str, title: str, description: str, column: str) -> Table:
    table = Table(slug=slug, title=title, description=description, columns=[column, _("Leden")])
    path = f"profile__{name}"
    choices = dict(cast(Field, Profile._meta.get_field(name)).choices or [])
    rows = Membership.objects.values(path).annotate(n=Count("pk")).order_by("-n", path)
    counts: Counter = Counter()
    for row in rows:
        value = row[path]
        counts[str(choices.get(value, value)) if value else _("Onbekend")] += row["n"]
    table.rows = [[label, n] for label, n in counts.most_common()]
    return table


def members_by_role() -> Table:
    return _grouped_by_profile(
        "role",
        "leden-per-rol",
        _("Leden per rol"),
        _("Hoeveel leden inwoner, ondernemer, ambtenaar ... zijn, volgens hun profiel."),
        _("Rol"),
    )


def members_by_municipality() -> Table:
    """Current members per municipality they chose ("Mijn organisaties"; a member
    with two counts for the first), the rest as unknown: two queries."""
    table = Table(
        slug="leden-per-gemeente",
        title=_("Leden per gemeente"),
        description=_("Waar de leden vandaan komen, volgens de gemeente die ze kozen."),
        columns=[_("Gemeente"), _("Leden")],
    )
    members = Membership.objects.current()
    names = Affiliation.objects.municipality_names(members.values("pk"))
    counts: Counter = Counter(names.values())
    unknown = members.count() - len(names)
    if unknown:
        counts[_("Onbekend")] += unknown
    table.rows = [[label, n] for label, n in counts.most_common()]
    return table


def members_by_how() -> Table:
    table = Table(
        slug="leden-per-route",
        title=_("Hoe leden het boek kregen"),
        description=_("Digitaal exemplaar, code uit een gedrukt boek, of een uitnodiging."),
        columns=[_("Route"), _("Leden")],
    )
    counts = dict(Membership.objects.values_list("how").annotate(n=Count("pk")).order_by())
    table.rows = [[str(label), counts.get(value, 0)] for value, label in How.choices]
    return table


def code_batches() -> Table:
    table = Table(
        slug="codereeksen",
        title=_("Codes van gedrukte boeken"),
        description=_("Per reeks: hoeveel codes er zijn, hoeveel geclaimd en ingetrokken."),
        columns=[_("Reeks"), _("Geclaimd"), _("Aantal codes"), _("Ingetrokken"), _("Beschikbaar")],
    )
    table.rows = [
        [batch.label, batch.redeemed_count, batch.size, batch.revoked_count, batch.available_count]
        for batch in CodeBatch.objects.with_counts().order_by("created_at", "pk")
    ]
    return table


def stories_per_chapter() -> Table:
    table = Table(
        slug="verhalen-per-hoofdstuk",
        title=_("Leerverhalen per hoofdstuk"),
        description=_("Gepubliceerde (waarvan uitgelicht) en wachtende verhalen per hoofdstuk."),
        columns=[_("Hoofdstuk"), _("Gepubliceerd"), _("Uitgelicht"), _("Wacht op curator")],
    )
    book = Book.objects.order_by("pk").values("pk")[:1]
    chapters = (
        Chapter.objects.filter(book__in=book)
        .in_order()
        .annotate(
            published=Count("stories", filter=Q(stories__status__in=PUBLIC_STATUSES)),
            featured=Count("stories", filter=Q(stories__status=Status.FEATURED)),
            pending=Count("stories", filter=Q(stories__status=Status.PENDING)),
        )
    )
    table.rows = [[f"{c.number}. {c.title}", c.published, c.featured, c.pending] for c in chapters]
    return table


def reactions() -> Table:
    table = Table(
        slug="waarderingen",
        title=_("Waarderingen en reacties"),
        description=_("Hoe vaak leden elkaars verhalen waardeerden of erop reageerden."),
        columns=[_("Soort"), _("Aantal")],
    )
    counts = dict(Reaction.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    table.rows = [[str(label), counts.get(value, 0)] for value, label in ReactionKind.choices]
    table.rows.append([_("Reacties"), Reply.objects.filter(is_hidden=False).count()])
    return table


def introductions() -> Table:
    """The marriage bureau in figures: who takes part, the rounds, what became of the
    introductions, how many pairs said they spoke and how many started a thread. One
    aggregate over the introductions and a count of each of the others."""
    table = Table(
        slug="kennismakingen",
        title=_("Kennismakingen"),
        description=_("Deelnemers, rondes en wat er van de kennismakingen werd."),
        columns=[_("Wat"), _("Aantal")],
        chart="",
    )
    yes, no = IntroductionAnswer.YES, IntroductionAnswer.NO
    accepted = Q(first_answer=yes, second_answer=yes)
    figures = Introduction.objects.aggregate(
        proposed=Count("pk"),
        accepted=Count("pk", filter=accepted),
        declined=Count("pk", filter=Q(first_answer=no) | Q(second_answer=no)),
        met=Count("pk", filter=accepted & (Q(first_met="yes") | Q(second_met="yes"))),
        threads=Count("pk", filter=Exists(Message.objects.filter(introduction=OuterRef("pk")))),
    )
    met_share = (
        f"{round(100 * figures['met'] / figures['accepted'])}%" if figures["accepted"] else "–"
    )
    table.rows = [
        [_("Deelnemers"), Participation.objects.taking_part().count()],
        [_("Rondes"), Round.objects.count()],
        [_("Voorgesteld"), figures["proposed"]],
        [_("Door allebei aanvaard"), figures["accepted"]],
        [_("Afgeslagen"), figures["declined"]],
        [_("Hebben elkaar gesproken (van de aanvaarde)"), met_share],
        [_("Gesprekken op de site begonnen"), figures["threads"]],
    ]
    return table


def invitation_depths() -> tuple[Table, Table]:
    """How far the book travelled from hand to hand: each member's depth in the tree of
    invitations (0 for who got the book themselves, 1 for whom they invited, ...), and
    the members whose passing-on reached the most people. One query for the pairs; the
    tree is walked in Python, which also survives a (corrupt) cycle."""
    parents, numbers = {}, {}
    for pk, parent, number in Membership.objects.values_list("pk", "invited_by_id", "number"):
        parents[pk], numbers[pk] = parent, number
    depth: dict[int, int] = {}
    for start in parents:
        chain, node = [], start
        while node not in depth:
            parent = parents[node]
            if parent is None or parent not in parents or parent in chain or parent == node:
                depth[node] = 0
                break
            chain.append(node)
            node = parent
        for member in reversed(chain):
            depth[member] = depth[parents[member]] + 1

    reach: Counter = Counter()
    for pk in parents:
        ancestor, seen = parents[pk], {pk}
        while ancestor is not None and ancestor not in seen and ancestor in parents:
            reach[ancestor] += 1
            seen.add(ancestor)
            ancestor = parents[ancestor]

    distribution = Counter(depth.values())
    by_depth = Table(
        slug="doorgeven-diepte",
        title=_("Hoe ver het boek werd doorgegeven"),
        description=_(
            "Aantal leden per stap in de keten van uitnodigingen (0: kreeg het boek zelf)."
        ),
        columns=[_("Stap"), _("Leden")],
        rows=[[step, distribution[step]] for step in sorted(distribution)],
        note=_("Langste keten: %(depth)s stappen.") % {"depth": max(depth.values(), default=0)},
    )
    direct = Counter(parent for parent in parents.values() if parent is not None)
    top = Table(
        slug="doorgevers",
        title=_("Wie het boek het verst doorgaf"),
        description=_("Leden met de meeste leden na hen in de keten (direct en verder)."),
        columns=[_("Lidnummer"), _("Leden na hen"), _("Zelf uitgenodigd")],
        chart="",
        rows=[
            [numbers[pk], count, direct[pk]]
            for pk, count in sorted(reach.items(), key=lambda item: (-item[1], numbers[item[0]]))[
                :10
            ]
        ],
    )
    return by_depth, top


def meetings_per_month() -> Table:
    """Meetings held (published, over) per month of their start, with their
    registrations, who was there, the notes of the nazit, the stories that came of
    them and the pairs who want to see each other again: four queries."""
    table = Table(
        slug="bijeenkomsten",
        title=_("Bijeenkomsten per maand"),
        description=_(
            "Gehouden bijeenkomsten, aanmeldingen, wie er was, notities in de nazit, "
            "leerverhalen die eruit voortkwamen en wie elkaar terug wil zien."
        ),
        columns=[
            _("Maand"),
            _("Bijeenkomsten"),
            _("Aanmeldingen"),
            _("Aanwezig"),
            _("Opkomst (%)"),
            _("Notities"),
            _("Leerverhalen"),
            _("Willen elkaar terugzien"),
        ],
    )
    held = Meeting.objects.published().filter(ends_at__lte=timezone.now())
    meetings = {
        as_date(row["month"]): row["n"]
        for row in held.annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    registrations = {
        as_date(row["month"]): (row["registered"], row["attended"])
        for row in Registration.objects.filter(meeting__in=held)
        .exclude(status=RegistrationStatus.CANCELLED)
        .annotate(month=TruncMonth("meeting__starts_at"))
        .values("month")
        .annotate(registered=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
        .order_by()
    }
    notes = {
        as_date(row["month"]): (row["notes"], row["stories"])
        for row in Note.objects.filter(meeting__in=held)
        .annotate(month=TruncMonth("meeting__starts_at"))
        .values("month")
        .annotate(
            notes=Count("pk"),
            stories=Count("story", filter=Q(story__status__in=PUBLIC_STATUSES), distinct=True),
        )
        .order_by()
    }
    # Each mutual pair is two marks; the one from the lower account id counts it once.
    pairs = {
        as_date(row["month"]): row["n"]
        for row in SeeAgain.objects.mutual()
        .filter(meeting__in=held, user__lt=models.F("other"))
        .annotate(month=TruncMonth("meeting__starts_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for month in sorted(meetings):
        registered, attended = registrations.get(month, (0, 0))
        written, stories = notes.get(month, (0, 0))
        rate = round(100 * attended / registered) if registered else 0
        table.rows.append(
            [
                month.strftime("%Y-%m"),
                meetings[month],
                registered,
                attended,
                rate,
                written,
                stories,
                pairs.get(month, 0),
            ]
        )
    return table


def statistics_tables() -> list[Table]:
    return [
        members_over_time(),
        members_by_how(),
        members_by_role(),
        members_by_municipality(),
        code_batches(),
        stories_per_chapter(),
        reactions(),
        meetings_per_month(),
        introductions(),
        *invitation_depths(),
        members_by_route_over_time(),
        invitations_over_time(),
        welcome_funnel(),
    ]


TABLES = {
    "leden-per-maand": members_over_time,
    "leden-per-route": members_by_how,
    "leden-per-rol": members_by_role,
    "leden-per-gemeente": members_by_municipality,
    "codereeksen": code_batches,
    "verhalen-per-hoofdstuk": stories_per_chapter,
    "waarderingen": reactions,
    "bijeenkomsten": meetings_per_month,
    "kennismakingen": introductions,
    "doorgeven-diepte": lambda: invitation_depths()[0],
    "doorgevers": lambda: invitation_depths()[1],
    "routes-per-maand": members_by_route_over_time,
    "uitnodigingen": invitations_over_time,
    "welkomsttrechter": welcome_funnel,
}


def municipality_count() -> int:
    """Municipalities with at least one current member affiliated with them (a merged
    one's members moved to its successor)."""
    return Organisation.objects.municipalities().with_members().count()


def public_counts() -> dict[str, int] | None:
    """Counts anyone may see on the home page: no names, nothing about one person.
    The home page is the busiest page and never waits for them: they are kept in the
    cache and renewed in the background once they are a minute old
    (core.cache.COUNTS_SECONDS; core.cache.fetch_renewed), so a request gets the last
    counts worked out. None until the first renewal has run (in production, in the
    task worker, right after a restart with an empty cache)."""
    return cache.fetch_renewed(PUBLIC_COUNTS_KEY, public_counts_renew.enqueue)


@task
def public_counts_renew() -> None:
    """Work the public counts out again and keep them (public_counts)."""
    cache.keep_renewed(PUBLIC_COUNTS_KEY, _public_counts(), cache.COUNTS_SECONDS)


def _public_counts() -> dict[str, int]:
    return {
        # A member who deleted their account leaves a retired number, not a member.
        "members": Membership.objects.current().count(),
        "municipalities": municipality_count(),
        # Summed from the counts per chapter the table of contents shows (cached per
        # chapter): a count over every story took a tenth of a second.
        "stories": sum(
            published_story_counts(
                Chapter.objects.published().only("pk", "stories_version")
            ).values()
        ),
    }
