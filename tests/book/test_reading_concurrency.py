"""Two first visits at once (two tabs, a double click) both record a reading position
for a member who has none yet: one row, no error, on SQLite and on PostgreSQL."""

import pytest

from book.models import ReadingPosition
from book.services import reading_position_record
from tests.factories import ChapterFactory, MembershipFactory
from tests.members.test_concurrency import race

THREADS = 16


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_positions_make_one_row_without_an_error():
    user = MembershipFactory().user
    chapters = ChapterFactory.create_batch(2)

    outcomes = race(
        lambda chapter: reading_position_record(user=user, chapter=chapter, section=None),
        [chapters[index % 2] for index in range(THREADS)],
    )

    assert all(isinstance(outcome, ReadingPosition) for outcome in outcomes), outcomes
    assert ReadingPosition.objects.filter(user=user).count() == 1
    assert ReadingPosition.objects.get(user=user).chapter in chapters
