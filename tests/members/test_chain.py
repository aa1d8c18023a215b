"""Mijn doorgeefketen: the copies a member passed on and those passed on from them, as an
SVG tree readable without colour and as a table, with milestones; one query a level."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.chain import (
    DRAWN_PER_LEVEL,
    DRAWN_PER_PARENT,
    MAX_DEPTH,
    MAX_ROWS,
    More,
    chain_of,
    drawing_rows,
)
from members.models import Membership, Visibility
from tests.factories import MembershipFactory, ProfileFactory
from tests.markup import hrefs, one, select, text, texts

pytestmark = pytest.mark.django_db

URL = "/mijn-exemplaar/doorgeefketen/"


def passed_on(by, name="", visibility=Visibility.NAME):
    membership = MembershipFactory(invited_by=by, how="invitation")
    if name:
        ProfileFactory(membership=membership, display_name=name, visibility=visibility)
    return membership


@pytest.fixture
def three_levels(member):
    """Anouk passed the book to Bram and Cas; Bram to Dirk (hidden) ; Dirk to Eva."""
    anouk = member.membership
    ProfileFactory(membership=anouk, display_name="Anouk")
    bram = passed_on(anouk, "Bram")
    passed_on(anouk, "Cas")
    dirk = passed_on(bram, "Dirk", Visibility.HIDDEN)
    eva = passed_on(dirk, "Eva")
    return {"anouk": anouk, "bram": bram, "dirk": dirk, "eva": eva}


def many(parents, count):
    """`count` members invited by `parents` in turn, in two bulk inserts."""
    User = get_user_model()
    first = (Membership.objects.order_by("-number").values_list("number", flat=True).first()) or 0
    users = User.objects.bulk_create(
        User(username=f"keten{first + n}", email=f"keten{first + n}@example.org")
        for n in range(count)
    )
    return Membership.objects.bulk_create(
        Membership(user=user, number=first + 1 + n, invited_by=parents[n % len(parents)])
        for n, user in enumerate(users)
    )


def test_chain_reads_every_level_with_names_by_visibility(three_levels):
    chain = chain_of(three_levels["anouk"])
    rows = [(link.level, link.name, link.parent_name) for link in chain.links]
    bram, dirk, eva = (three_levels[key].number for key in ("bram", "dirk", "eva"))
    cas = Membership.objects.get(profile__display_name="Cas").number
    assert rows == [
        (1, f"Bram, lid nr. {bram}", ""),
        (2, f"lid nr. {dirk}", f"Bram, lid nr. {bram}"),
        (3, f"Eva, lid nr. {eva}", f"lid nr. {dirk}"),
        (1, f"Cas, lid nr. {cas}", ""),
    ]
    assert chain.levels == [2, 1, 1]
    reached = [(m.count, m.reached_at is not None) for m in chain.milestones]
    assert reached == [(1, True), (5, False), (10, False), (25, False)]


def test_chain_page_draws_a_tree_with_shapes_and_a_table(client, three_levels):
    client.force_login(three_levels["anouk"].user)
    response = client.get(URL)
    assert response.status_code == 200
    svg = one(response, "figure.chain-tree svg.chart--tree")
    assert svg.get("role") == "img"
    assert "Anouk" in text(one(response, "svg title"))
    marks = [mark.tag for mark in select(response, "svg .tree__row .tree__mark")]
    # The owner, then each copy in depth-first order; the shape tells the level.
    assert marks == ["circle", "circle", "rect", "polygon", "circle"]
    labels = texts(response, "svg .tree__label")
    assert labels[1].startswith("Bram") and labels[1].endswith("(direct doorgegeven)")
    assert labels[3].endswith("(derde schakel)")
    dirk = three_levels["dirk"].number
    rows = [texts(row, "td")[:3] for row in select(response, "table.chain-table tbody tr")]
    assert rows[1] == [f"lid nr. {dirk}", "2", f"Bram, lid nr. {three_levels['bram'].number}"]
    assert "Dirk" not in response.content.decode()
    assert len(select(response, ".milestone--reached")) == 1


def test_chain_of_a_member_who_passed_nothing_on(member_client):
    response = member_client.get(URL)
    assert response.status_code == 200
    assert not select(response, "svg.chart--tree")
    assert not select(response, ".milestone--reached")


def test_someone_without_a_copy_is_sent_to_claim_one(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/exemplaar/"


def test_chain_costs_one_query_a_level(three_levels, django_assert_num_queries):
    # Three levels, and the fourth that turns out empty.
    with django_assert_num_queries(4):
        chain_of(three_levels["anouk"])


def test_chain_depth_is_bounded(member):
    parent = member.membership
    for _level in range(MAX_DEPTH + 2):
        parent = passed_on(parent)
    chain = chain_of(member.membership)
    assert len(chain.levels) == MAX_DEPTH
    assert chain.total == MAX_DEPTH


def test_five_hundred_descendants_cost_what_three_levels_cost(client, three_levels):
    anouk = three_levels["anouk"]
    client.force_login(anouk.user)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    level_one = many([anouk], 10)
    level_two = many(level_one, 90)
    many(level_two, 396)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert len(large) == len(small)
    chain = chain_of(anouk)
    assert chain.total == 500
    assert chain.levels == [12, 91, 397]
    assert [m.reached_at is not None for m in chain.milestones] == [True] * 4
    assert len(select(response, "table.chain-table tbody tr")) == 500
    # The drawing stays small: a few copies per member and level, and under a member a
    # row "+ … meer" that counts the copies left out; together they make all 500.
    rows = select(response, "svg .tree__row")
    assert len(rows) <= MAX_ROWS
    drawn = select(response, "svg .tree__row--copy")
    more = select(response, "svg .tree__row--more")
    counts = [
        int(re.fullmatch(r"\+ (\d+) meer \(in de tabel\)", text(row)).group(1)) for row in more
    ]
    assert counts == [int(row.get("data-count")) for row in more]
    assert len(drawn) + sum(counts) == 500
    assert len(drawn) <= MAX_DEPTH * DRAWN_PER_LEVEL and len(more) > 0
    # The page says how many the drawing leaves out, and leads to the table.
    assert hrefs(response, ".chain-tree__note a") == ["#keten-tabel"]
    assert one(response, "#keten-tabel table.chain-table") is not None
    note = text(one(response, ".chain-tree__note"))
    assert f"De tekening toont {len(drawn)} exemplaren" in note
    assert f"samen {sum(counts)}." in note
    assert f"Getekend zijn er {len(drawn)}" in text(one(response, "svg desc"))


def test_a_small_chain_is_drawn_whole(client, three_levels):
    client.force_login(three_levels["anouk"].user)
    response = client.get(URL)
    assert len(select(response, "svg .tree__row--copy")) == 4
    assert not select(response, "svg .tree__row--more")
    assert not select(response, ".chain-tree__note")


def test_every_copy_is_drawn_or_counted_once_under_the_member_above_it(member):
    """Ten passed on directly, each of them passing it to three: the owner's row has
    four drawn and "+ 24 meer" (six not drawn with their eighteen); each drawn copy of
    the first level shows its own."""
    owner = member.membership
    first = many([owner], 10)
    many(first, 30)
    chain = chain_of(owner)
    rows = drawing_rows(chain)
    copies = [row for row in rows if not isinstance(row, More)]
    more = [row for row in rows if isinstance(row, More)]
    assert sum(row.count for row in more) + len(copies) == chain.total == 40
    top = [row for row in more if row.parent_pk is None]
    assert [(row.level, row.count) for row in top] == [(1, 6 * 4)]
    assert sum(1 for row in copies if row.level == 1) == DRAWN_PER_PARENT
    # The second level: at most DRAWN_PER_LEVEL drawn; the drawn parents' others counted
    # under them.
    assert sum(1 for row in copies if row.level == 2) == DRAWN_PER_LEVEL
