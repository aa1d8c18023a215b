"""The curators' growth figures: members by route over time, invitations made and
accepted with the median time to accept, and the welcome funnel; each a table with a
chart readable without colour, and a CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from community import statistics
from members.models import How
from tests.factories import (
    ClaimCodeFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    ReadingPositionFactory,
    RegistrationFactory,
    StoryFactory,
)
from tests.markup import one

pytestmark = pytest.mark.django_db


def at(year, month, day=15):
    return datetime(year, month, day, 12, tzinfo=UTC)


def test_members_by_route_per_month_tells_an_organisations_codes_apart():
    from organisations.models import OrganisationBatch

    organisation_code = ClaimCodeFactory()
    OrganisationBatch.objects.create(
        organisation=OrganisationFactory(), batch=organisation_code.batch
    )
    MembershipFactory(claimed_at=at(2026, 1), how=How.DIGITAL)
    MembershipFactory(claimed_at=at(2026, 1), how=How.PRINTED, code=ClaimCodeFactory())
    MembershipFactory(claimed_at=at(2026, 3), how=How.INVITATION)
    MembershipFactory(claimed_at=at(2026, 3), how=How.PRINTED, code=organisation_code)
    table = statistics.members_by_route_over_time()
    assert table.rows == [
        ["2026-01", 1, 1, 0, 0],
        ["2026-02", 0, 0, 0, 0],
        ["2026-03", 0, 0, 1, 1],
    ]


def test_invitations_per_month_with_the_median_time_to_accept():
    for days in (1, 3, 8):
        invitation = InvitationFactory(created_at=at(2026, 2))
        invitation.accepted_at = invitation.created_at + timedelta(days=days)
        invitation.save()
    InvitationFactory(created_at=at(2026, 2), sent_at=at(2026, 2), email="a@example.org")
    table = statistics.invitations_over_time()
    assert table.rows == [["2026-02", 4, 1, 3]]
    assert table.note == "Mediane tijd tot aannemen: 3.0 dagen (3 aangenomen)."


def test_the_welcome_funnel_counts_each_step(open_chapter):
    claimed_only = MembershipFactory()
    reader = MembershipFactory()
    # The reader opened a chapter for members once and reads an open one now; the other
    # only ever opened an open one.
    ReadingPositionFactory(
        user=reader.user, chapter=open_chapter, first_members_chapter_at=at(2026, 1)
    )
    ReadingPositionFactory(user=claimed_only.user, chapter=open_chapter)
    ProfileFactory(membership=reader, display_name="Femke")
    StoryFactory(author=reader)
    RegistrationFactory(user=MembershipFactory().user)
    table = statistics.welcome_funnel()
    counted = {row[0]: row[1] for row in table.rows}
    assert counted["Opende een hoofdstuk voor leden"] == 1
    assert counted["Vulde een profiel in"] == 1
    claimed = counted["Claimde een exemplaar"]
    assert counted["Eerste verhaal of bijeenkomst"] == 2
    assert table.rows[0][2] == "100%"
    assert table.rows[1][2] == f"{round(100 / claimed)}%"


def test_routes_chart_draws_a_line_per_route_with_its_own_dashes_and_a_legend(client, curator):
    MembershipFactory(claimed_at=at(2026, 1), how=How.DIGITAL)
    MembershipFactory(claimed_at=at(2026, 2), how=How.INVITATION)
    client.force_login(curator)
    response = client.get(reverse("statistics"))
    chart = one(response, "#routes-per-maand svg")
    dashes = [line.get("stroke-dasharray") for line in chart.cssselect("polyline")]
    assert len(dashes) == 4 and len(set(dashes)) == 4
    legend = [text.text for text in chart.cssselect(".chart__legend text")]
    assert legend == ["Digitaal", "Gedrukt", "Uitnodiging", "Via een organisatie"]


@pytest.mark.parametrize("slug", ["routes-per-maand", "uitnodigingen", "welkomsttrechter"])
def test_growth_tables_download_as_csv(client, curator, slug):
    MembershipFactory(claimed_at=at(2026, 1))
    client.force_login(curator)
    response = client.get(reverse("statistics_csv", args=[slug]))
    assert response.status_code == 200
    data = list(csv.reader(io.StringIO(response.content.decode())))
    table = statistics.TABLES[slug]()
    assert data[0] == [str(column) for column in table.columns]
    assert len(data) == len(table.rows) + 1
