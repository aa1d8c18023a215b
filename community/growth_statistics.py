"""The growth tables of the curators' statistics: how members came in over time, the
invitations and how long they wait, and how far new members come after claiming."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from members.models import How, Invitation, Membership

from .tables import Table, as_date, months_between


def members_by_route_over_time() -> Table:
    """New members per month by the way they came in: a digital copy, a printed code
    (from an organisation's batch counts as "via an organisation"), an invitation. One
    query."""
    table = Table(
        slug="routes-per-maand",
        title=_("Nieuwe leden per maand, per route"),
        description=_(
            "Digitaal, met een code uit een gedrukt boek, met een uitnodiging, of met een "
            "code van een organisatie."
        ),
        columns=[
            _("Maand"),
            _("Digitaal"),
            _("Gedrukt"),
            _("Uitnodiging"),
            _("Via een organisatie"),
        ],
        chart="lines",
        series=[1, 2, 3, 4],
    )
    organisation = Q(code__batch__organisation_link__isnull=False)
    rows = (
        Membership.objects.annotate(month=TruncMonth("claimed_at"))
        .values("month")
        .annotate(
            digital=Count("pk", filter=Q(how=How.DIGITAL)),
            printed=Count("pk", filter=Q(how=How.PRINTED) & ~organisation),
            invited=Count("pk", filter=Q(how=How.INVITATION)),
            organisation=Count("pk", filter=Q(how=How.PRINTED) & organisation),
        )
        .order_by("month")
    )
    per_month = {as_date(row["month"]): row for row in rows}
    if per_month:
        empty = {"digital": 0, "printed": 0, "invited": 0, "organisation": 0}
        for month in months_between(min(per_month), max(per_month)):
            row = per_month.get(month, empty)
            table.rows.append(
                [
                    month.strftime("%Y-%m"),
                    row["digital"],
                    row["printed"],
                    row["invited"],
                    row["organisation"],
                ]
            )
    return table


def invitations_over_time() -> Table:
    """Invitations made and accepted per month, and the median time to accept. One
    query for the months, one for the times."""
    table = Table(
        slug="uitnodigingen",
        title=_("Uitnodigingen per maand"),
        description=_("Gemaakte uitnodigingen per maand, en hoeveel daarvan zijn aangenomen."),
        columns=[_("Maand"), _("Gemaakt"), _("Per e-mail verstuurd"), _("Aangenomen")],
        chart="lines",
        series=[1, 3],
    )
    rows = (
        Invitation.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            made=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        )
        .order_by("month")
    )
    per_month = {as_date(row["month"]): row for row in rows}
    if per_month:
        empty = {"made": 0, "sent": 0, "accepted": 0}
        for month in months_between(min(per_month), max(per_month)):
            row = per_month.get(month, empty)
            table.rows.append([month.strftime("%Y-%m"), row["made"], row["sent"], row["accepted"]])
    accepted_pairs = Invitation.objects.filter(accepted_at__isnull=False).values_list(
        "created_at", "accepted_at"
    )
    waits = sorted(accepted - created for created, accepted in accepted_pairs if accepted)
    if waits:
        middle = len(waits) // 2
        median = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
        days = round(median.total_seconds() / 86400, 1)
        table.note = _("Mediane tijd tot aannemen: %(days)s dagen (%(count)s aangenomen).") % {
            "days": days,
            "count": len(waits),
        }
    else:
        table.note = _("Nog geen uitnodiging aangenomen.")
    return table


def welcome_funnel() -> Table:
    """How far new members come: claimed a copy, opened a chapter for members (ever: the
    reading position records the first time, book.services.reading_position_record),
    filled in a profile, wrote a first story or registered for a meeting. One query."""
    current = Membership.objects.current()
    counts = current.aggregate(
        claimed=Count("pk", distinct=True),
        members_chapter=Count(
            "pk",
            filter=Q(user__reading_position__first_members_chapter_at__isnull=False),
            distinct=True,
        ),
        profile=Count("pk", filter=Q(profile__display_name__gt=""), distinct=True),
        took_part=Count(
            "pk",
            filter=Q(stories__isnull=False) | Q(user__meeting_registrations__isnull=False),
            distinct=True,
        ),
    )
    table = Table(
        slug="welkomsttrechter",
        title=_("Van claimen tot meedoen"),
        description=_(
            "Hoeveel leden na het claimen een hoofdstuk voor leden openden, een profiel "
            "invulden en een eerste verhaal schreven of zich voor een bijeenkomst aanmeldden."
        ),
        columns=[_("Stap"), _("Leden"), _("Van wie claimde")],
    )
    claimed = counts["claimed"] or 0
    steps = [
        (_("Claimde een exemplaar"), claimed),
        (_("Opende een hoofdstuk voor leden"), counts["members_chapter"]),
        (_("Vulde een profiel in"), counts["profile"]),
        (_("Eerste verhaal of bijeenkomst"), counts["took_part"]),
    ]
    table.rows = [
        [label, count, f"{round(100 * count / claimed)}%" if claimed else "–"]
        for label, count in steps
    ]
    return table
