"""The introductions' rows on the curators' statistics page: what they count, and a
query count that does not grow with the introductions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import statistics
from tests.caching import clear_caches
from tests.factories import (
    IntroductionFactory,
    MessageFactory,
    ParticipationFactory,
    RoundFactory,
)
from tests.markup import one, select, text

pytestmark = pytest.mark.django_db


def _introductions(size):
    RoundFactory()
    for _ in range(size):
        ParticipationFactory()
        IntroductionFactory()  # no answer yet
        IntroductionFactory(first_answer="no")
        met = IntroductionFactory(first_answer="yes", second_answer="yes", first_met="yes")
        MessageFactory(introduction=met)
        MessageFactory(introduction=met)
        IntroductionFactory(first_answer="yes", second_answer="yes")


def test_the_table_counts_participants_rounds_answers_meetings_and_threads():
    _introductions(2)
    ParticipationFactory(takes_part=False)
    table = statistics.introductions()
    assert table.rows == [
        ["Deelnemers", 2],
        ["Rondes", 1],
        ["Voorgesteld", 8],
        ["Door allebei aanvaard", 4],
        ["Afgeslagen", 2],
        ["Hebben elkaar gesproken (van de aanvaarde)", "50%"],
        ["Gesprekken op de site begonnen", 2],
    ]


def test_without_introductions_the_share_is_a_dash():
    assert statistics.introductions().rows[5] == [
        "Hebben elkaar gesproken (van de aanvaarde)",
        "–",
    ]


def _page_queries(client, curator) -> tuple[int, object]:
    clear_caches()
    client.force_login(curator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("statistics"))
    assert page.status_code == 200
    return len(queries), page


def test_the_rows_take_the_same_queries_whatever_the_number_of_introductions(client, curator):
    _introductions(1)
    small, _page = _page_queries(client, curator)
    _introductions(10)
    large, page = _page_queries(client, curator)
    assert large == small
    section = one(page, "#kennismakingen")
    cells = [text(cell) for cell in select(section, "tbody tr > *")]
    assert cells[:2] == ["Deelnemers", "11"]
