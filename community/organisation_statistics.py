"""An organisation's statistics for its coordinators (and curators): aggregates only,
as the curators' statistics (community.statistics.Table, SVG charts, CSV). No table
names a member, shows an e-mail address or tells whose affiliation is private: private
affiliations count, they are never listed."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from book.models import Book, Chapter
from members.models import Membership
from organisations.models import Affiliation, Organisation, Relation
from stories.models import PUBLIC_STATUSES

from .tables import Table


def _affiliated(organisation: Organisation):
    return Affiliation.objects.current().filter(organisation=organisation)


def members_by_relation(organisation: Organisation) -> Table:
    table = Table(
        slug="leden-per-relatie",
        title=_("Leden per relatie"),
        description=_("Hoeveel leden erbij horen, en hoe: wonen, werken, vrijwilliger, eigenaar."),
        columns=[_("Relatie"), _("Leden")],
    )
    counts = dict(
        _affiliated(organisation).values_list("relation").annotate(n=Count("pk")).order_by()
    )
    table.rows = [[str(label), counts.get(value, 0)] for value, label in Relation.choices]
    return table


def members_joined_through(organisation: Organisation) -> Table:
    table = Table(
        slug="leden-via",
        title=_("Nieuwe leden via de organisatie"),
        description=_(
            "Leden die een code uit haar gedrukte boeken claimden, en leden die een "
            "uitnodiging van een van haar leden aannamen."
        ),
        columns=[_("Route"), _("Leden")],
    )
    members = _affiliated(organisation).values("membership")
    counts = Membership.objects.current().aggregate(
        codes=Count("pk", filter=Q(code__batch__organisation_link__organisation=organisation)),
        invitations=Count("pk", filter=Q(invited_by__in=members)),
    )
    table.rows = [
        [_("Codes van de organisatie"), counts["codes"]],
        [_("Uitnodigingen van haar leden"), counts["invitations"]],
    ]
    return table


def stories_per_chapter(organisation: Organisation) -> Table:
    table = Table(
        slug="verhalen-per-hoofdstuk",
        title=_("Verhalen per hoofdstuk"),
        description=_(
            "Gepubliceerde verhalen van haar leden, en verhalen die haar noemen, per hoofdstuk."
        ),
        columns=[_("Hoofdstuk"), _("Verhalen")],
    )
    members = _affiliated(organisation).values("membership")
    ours = Q(stories__organisation=organisation) | Q(stories__author__in=members)
    rows = (
        Chapter.objects.published()
        .filter(book=Book.objects.current())
        .annotate(
            n=Count("stories", filter=Q(stories__status__in=PUBLIC_STATUSES) & ours, distinct=True)
        )
        .order_by("number")
        .values_list("number", "title", "n")
    )
    table.rows = [[f"{number}. {title}", n] for number, title, n in rows]
    return table


TABLES = {
    "leden-per-relatie": members_by_relation,
    "leden-via": members_joined_through,
    "verhalen-per-hoofdstuk": stories_per_chapter,
}
