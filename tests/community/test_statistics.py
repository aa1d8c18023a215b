import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from book.services import chapter_stories_changed
from community import statistics
from community.privacy import account_delete
from core.cache import COUNTS_SECONDS
from core.charts import bar_chart, line_chart
from members.models import ClaimCode, CodeStatus, How, Membership
from organisations.models import Kind, Organisation, Relation
from stories.models import ReactionKind, Status
from tests.caching import clear_caches
from tests.factories import (
    AffiliationFactory,
    ChapterFactory,
    ClaimCodeFactory,
    CodeBatchFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    ProfileFactory,
    RegistrationFactory,
    ReplyFactory,
    StoryFactory,
)
from tests.markup import hrefs, select

SVG = "{http://www.w3.org/2000/svg}"


def at(year, month, day=15):
    return datetime(year, month, day, 12, tzinfo=UTC)


def rows(table) -> list[list]:
    return [list(row) for row in table.rows]


@pytest.mark.django_db
def test_members_over_time_counts_each_month_and_the_running_total():
    MembershipFactory(claimed_at=at(2026, 1))
    MembershipFactory(claimed_at=at(2026, 1, 20))
    MembershipFactory(claimed_at=at(2026, 3))
    assert rows(statistics.members_over_time()) == [
        ["2026-01", 2, 2],
        ["2026-02", 0, 2],
        ["2026-03", 1, 3],
    ]


@pytest.mark.django_db
def test_members_by_how_lists_every_route():
    MembershipFactory(how=How.PRINTED)
    MembershipFactory(how=How.PRINTED)
    MembershipFactory(how=How.INVITATION)
    assert rows(statistics.members_by_how()) == [
        ["Digitaal exemplaar", 0],
        ["Gedrukt exemplaar", 2],
        ["Uitnodiging", 1],
    ]


@pytest.mark.django_db
def test_members_by_role_come_from_profiles_and_by_municipality_from_the_chosen_one(municipalities):
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    deventer = Organisation.objects.get(cbs_code="GM0150")
    first = ProfileFactory(role="government").membership
    AffiliationFactory(membership=first, organisation=zwolle)
    # A second municipality, a company, the old free text: the first one chosen counts.
    AffiliationFactory(membership=first, organisation=deventer, relation=Relation.WORKS)
    AffiliationFactory(membership=first)
    ProfileFactory(role="government", municipality="Kampen")
    AffiliationFactory(
        membership=ProfileFactory(role="government").membership, organisation=deventer
    )
    AffiliationFactory(membership=ProfileFactory(role="resident").membership, organisation=zwolle)
    MembershipFactory()  # no profile
    roles = rows(statistics.members_by_role())
    assert roles[0] == ["Overheid", 3]
    assert sorted(roles[1:]) == [["Inwoner", 1], ["Onbekend", 1]]
    assert sorted(rows(statistics.members_by_municipality())) == [
        ["Deventer", 1],
        ["Onbekend", 2],
        ["Zwolle", 2],
    ]


@pytest.mark.django_db
def test_code_batches_show_size_claimed_and_revoked():
    batch = CodeBatchFactory(label="Drukgang voorjaar", size=4)
    for status in (CodeStatus.REDEEMED, CodeStatus.REDEEMED, CodeStatus.REVOKED):
        ClaimCodeFactory(batch=batch, status=status)
    ClaimCodeFactory(batch=batch)
    assert ClaimCode.objects.count() == 4
    assert rows(statistics.code_batches()) == [["Drukgang voorjaar", 2, 4, 1, 1]]


@pytest.mark.django_db
def test_stories_per_chapter_count_published_featured_and_pending(book):
    first = ChapterFactory(book=book, number=1, title="Begin")
    ChapterFactory(book=book, number=2, title="Leeg")
    StoryFactory(chapter=first)
    StoryFactory(chapter=first, status=Status.FEATURED)
    StoryFactory(chapter=first, status=Status.PENDING)
    StoryFactory(chapter=first, status=Status.HIDDEN)
    assert rows(statistics.stories_per_chapter()) == [
        ["1. Begin", 2, 1, 1],
        ["2. Leeg", 0, 0, 0],
    ]


@pytest.mark.django_db
def test_reactions_count_each_kind_and_shown_replies():
    story = StoryFactory()
    story.reactions.create(member=MembershipFactory(), kind=ReactionKind.RECOGNISABLE)
    story.reactions.create(member=MembershipFactory(), kind=ReactionKind.RECOGNISABLE)
    story.reactions.create(member=MembershipFactory(), kind=ReactionKind.THANKS)
    ReplyFactory(story=story)
    ReplyFactory(story=story, is_hidden=True)
    assert rows(statistics.reactions()) == [["Herkenbaar", 2], ["Dank je wel", 1], ["Reacties", 1]]


@pytest.mark.django_db
def test_invitation_tree_depth_and_who_passed_the_book_furthest():
    root = MembershipFactory(number=101)
    child = MembershipFactory(number=102, invited_by=root, how=How.INVITATION)
    MembershipFactory(number=103, invited_by=child, how=How.INVITATION)
    MembershipFactory(number=104, invited_by=root, how=How.INVITATION)
    MembershipFactory(number=105)
    depths, passers = statistics.invitation_depths()
    assert rows(depths) == [[0, 2], [1, 2], [2, 1]]
    assert "2 stappen" in depths.note
    assert rows(passers) == [[101, 3, 2], [102, 1, 1]]


def _statistics_queries(client, user) -> int:
    """The queries of the statistics page computed anew (not from the cache). Signed in
    again after the clear: with the sessions in Redis the clear takes the session too."""
    clear_caches()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("statistics")).status_code == 200
    return len(queries)


def _community(book, size):
    chapter = ChapterFactory(book=book)
    batch = CodeBatchFactory(size=size)
    previous = None
    for n in range(size):
        membership = MembershipFactory(
            invited_by=previous, claimed_at=at(2026, 1 + n % 12), how=How.INVITATION
        )
        ProfileFactory(membership=membership, role="resident", municipality=f"Gemeente {n}")
        ClaimCodeFactory(batch=batch)
        story = StoryFactory(chapter=chapter, author=membership, status=Status.FEATURED)
        story.reactions.create(member=membership, kind=ReactionKind.THANKS)
        meeting = MeetingFactory(starts_at=at(2026, 1 + n % 12), ends_at=at(2026, 1 + n % 12, 16))
        RegistrationFactory(meeting=meeting, user=membership.user, attended=True)
        NoteFactory(meeting=meeting, author=membership.user, story=story)
        InvitationFactory(created_by=membership, created_at=at(2026, 1 + n % 12))
        previous = membership


@pytest.mark.django_db
def test_statistics_page_query_count_does_not_grow_with_the_community(client, curator, book):
    client.force_login(curator)
    _community(book, 2)
    small = _statistics_queries(client, curator)
    _community(book, 12)
    assert _statistics_queries(client, curator) == small


@pytest.mark.django_db
def test_statistics_page_draws_accessible_charts_and_tables(client, curator, book):
    _community(book, 3)
    client.force_login(curator)
    response = client.get(reverse("statistics"))
    assert len(select(response, '[role="img"]')) >= 5
    assert len(select(response, "table")) == len(statistics.statistics_tables())
    assert not select(response, "[style]")  # the Content-Security-Policy forbids inline styles
    links = hrefs(response, "main a")
    for slug in statistics.TABLES:
        assert reverse("statistics_csv", args=[slug]) in links


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(statistics.TABLES))
def test_every_table_downloads_as_csv(client, curator, book, slug):
    _community(book, 2)
    client.force_login(curator)
    response = client.get(reverse("statistics_csv", args=[slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{slug}.csv"' in response["Content-Disposition"]
    table = statistics.TABLES[slug]()
    data = list(csv.reader(io.StringIO(response.content.decode())))
    assert data[0] == [str(column) for column in table.columns]
    assert len(data) == len(table.rows) + 1


@pytest.mark.django_db
def test_csv_cells_never_start_a_spreadsheet_formula(client, curator):
    AffiliationFactory(
        organisation=OrganisationFactory(
            kind=Kind.MUNICIPALITY, name='=HYPERLINK("http://example.org")'
        )
    )
    client.force_login(curator)
    response = client.get(reverse("statistics_csv", args=["leden-per-gemeente"]))
    assert "'=HYPERLINK" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_table_is_not_found(client, curator):
    client.force_login(curator)
    assert client.get(reverse("statistics_csv", args=["geheim"])).status_code == 404


@pytest.mark.parametrize("draw", [bar_chart, line_chart])
def test_charts_are_accessible_svg_without_styles(draw):
    svg = draw(
        chart_id="chart-test",
        title="Leden <per> maand",
        desc="Beschrijving & meer",
        points=[("2026-01", 3), ("2026-02", 0), ("2026-03", 7)],
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-test-title chart-test-desc"
    assert root.find(f"{SVG}title").text == "Leden <per> maand"
    assert root.find(f"{SVG}title").get("id") == "chart-test-title"
    assert root.find(f"{SVG}desc").text == "Beschrijving & meer"
    assert not [element for element in root.iter() if "style" in element.attrib]


def test_a_line_chart_of_one_month_draws_a_dot_with_its_value_and_label():
    root = ET.fromstring(
        line_chart(chart_id="x", title="Leden per maand", desc="Eén maand", points=[("2031-05", 4)])
    )
    assert root.find(f"{SVG}polyline") is None  # a line through one point draws nothing
    (dot,) = root.findall(f"{SVG}circle")
    assert float(dot.get("r")) >= 5
    assert 48 < float(dot.get("cx")) < 640 - 16  # inside the plot, off the axis
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {"2031-05", "4"} <= texts
    assert [t.text for t in root.iter(f"{SVG}text")].count("2031-05") == 1


def test_a_bar_chart_of_one_row_draws_its_bar_and_label():
    root = ET.fromstring(
        bar_chart(chart_id="x", title="Verhalen", desc="Eén hoofdstuk", points=[("De wijk", 3)])
    )
    (bar,) = root.iter(f"{SVG}rect")
    assert float(bar.get("width")) > 100 and float(bar.get("height")) > 0
    assert {"De wijk", "3"} <= {text.text for text in root.iter(f"{SVG}text")}


def test_a_chart_without_points_still_renders():
    root = ET.fromstring(bar_chart(chart_id="x", title="Leeg", desc="Niets", points=[]))
    assert root.get("role") == "img"


# ---- The public counter --------------------------------------------------------------


@pytest.mark.django_db
def test_home_counts_members_municipalities_and_stories(client, book):
    chapter = ChapterFactory(book=book)
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    # Two members of Zwolle, one of a company; a municipality without current members
    # (its only member left) and free text count for nothing.
    AffiliationFactory(organisation=zwolle)
    AffiliationFactory(organisation=zwolle, relation=Relation.WORKS)
    AffiliationFactory()
    leaving = AffiliationFactory(organisation=Organisation.objects.get(cbs_code="GM0150"))
    account_delete(user=leaving.membership.user)
    ProfileFactory(municipality="Kampen")
    StoryFactory(chapter=chapter, municipality="Deventer")
    StoryFactory(chapter=chapter, status=Status.PENDING, municipality="Kampen")
    assert statistics.public_counts() == {"members": 6, "municipalities": 1, "stories": 1}
    html = client.get("/").content.decode()
    assert "6 leden" in html and "1 gemeente" in html and "1 leerverhaal" in html


@pytest.mark.django_db
def test_the_home_counter_leaves_out_the_numbers_of_deleted_accounts(client, book):
    ChapterFactory(book=book)
    MembershipFactory.create_batch(2)
    leaving = MembershipFactory()
    account_delete(user=leaving.user)
    # The number stays, retired, so that it is never handed out again: not a member.
    assert Membership.objects.count() == 3
    response = client.get("/")
    assert response.context["counts"]["members"] == 2
    assertContains(
        response,
        '<p class="community-counter">2 leden · 0 gemeenten · 0 leerverhalen</p>',
        html=True,
    )


@pytest.mark.django_db
def test_the_public_counter_is_cached_for_a_minute(client, book):
    MembershipFactory()
    assert statistics.public_counts()["members"] == 1
    MembershipFactory()
    with CaptureQueriesContext(connection) as queries:
        assert statistics.public_counts()["members"] == 1
    assert len(queries) == 0
    assert COUNTS_SECONDS == 60


@pytest.mark.django_db
def test_the_counter_reads_again_only_the_chapters_whose_stories_changed(book):
    first, second = ChapterFactory(book=book), ChapterFactory(book=book)
    StoryFactory(chapter=first, municipality="Deventer")
    StoryFactory(chapter=second, municipality="Kampen")
    StoryFactory(chapter=ChapterFactory(book=book, is_published=False), municipality="Urk")
    # Stories count under published chapters only; municipalities are those with
    # members (organisations), not the stories' text.
    assert statistics.public_counts() == {"members": 3, "municipalities": 0, "stories": 2}
    StoryFactory(chapter=second, municipality="Zwolle")
    chapter_stories_changed(chapters=[second.pk])  # as the services do
    cache.delete(statistics.PUBLIC_COUNTS_KEY)  # a minute later
    with CaptureQueriesContext(connection) as queries:
        counts = statistics.public_counts()
    assert counts == {"members": 4, "municipalities": 0, "stories": 3}
    # Members; the municipalities; the published chapters; their counts read again for
    # the changed chapter only.
    changed = [q["sql"] for q in queries.captured_queries if f"IN ({second.pk})" in q["sql"]]
    assert len(changed) == 1
    assert not [q for q in queries.captured_queries if f"IN ({first.pk}" in q["sql"]]
