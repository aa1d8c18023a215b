"""The suggestions on the curators' statistics page: by status, the share answered and
the median days to an answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import statistics
from tests.clients import signed_in
from tests.factories import SuggestionFactory
from tests.markup import one, text

pytestmark = pytest.mark.django_db


def test_suggestions_by_status_share_answered_and_median_days(open_chapter, curator):
    now = timezone.now()
    for days, status in ((2, "overgenomen"), (4, "niet"), (9, "tegengeluid")):
        SuggestionFactory(
            chapter=open_chapter,
            status=status,
            answer="Antwoord.",
            created_at=now - timedelta(days=days),
            answered_at=now,
        )
    SuggestionFactory(chapter=open_chapter)
    table = statistics.suggestions_by_status()
    assert [[str(cell) for cell in row] for row in table.rows] == [
        ["Open", "1"],
        ["In behandeling", "0"],
        ["Overgenomen", "1"],
        ["Deels overgenomen", "0"],
        ["Niet overgenomen", "1"],
        ["Bewaard als tegengeluid", "1"],
    ]
    assert table.note == "Beantwoord: 75% van 4 voorstellen. Mediaan tot een antwoord: 4.0 dagen."
    page = signed_in(curator).get(reverse("statistics"))
    assert text(one(page, "#voorstellen .statistic__note")) == table.note
