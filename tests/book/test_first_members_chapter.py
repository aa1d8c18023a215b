"""The first time a member opens a chapter for members is recorded with their reading
position (ReadingPosition.first_members_chapter_at), in the write that moves the place:
the curators' welcome funnel counts it, whatever the member read afterwards."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.urls import reverse

from book.models import ReadingPosition
from community import statistics
from tests.factories import MembershipFactory, ReadingPositionFactory

pytestmark = pytest.mark.django_db

POSITION = "book:reading_position"
FUNNEL_STEP = "Opende een hoofdstuk voor leden"


def opened(client, chapter, section=""):
    """What a chapter page's script posts on opening the chapter."""
    response = client.post(
        reverse(POSITION),
        {"chapter": chapter.pk, "section": section},
        headers={"x-requested-with": "fetch"},
    )
    assert response.status_code == 204


def funnel_count() -> int:
    return {row[0]: row[1] for row in statistics.welcome_funnel().rows}[FUNNEL_STEP]


def test_a_member_who_opened_a_members_chapter_then_an_open_one_is_counted(
    member_client, member, members_chapter, open_chapter
):
    assert funnel_count() == 0
    opened(member_client, members_chapter)
    first = ReadingPosition.objects.get(user=member).first_members_chapter_at
    assert first is not None
    opened(member_client, open_chapter, "begin")
    position = ReadingPosition.objects.get(user=member)
    # The place moved on; the fact stays.
    assert position.chapter == open_chapter and position.section == "begin"
    assert position.first_members_chapter_at == first
    assert funnel_count() == 1


def test_only_the_first_members_chapter_sets_the_moment(
    member_client, member, chapters, members_chapter
):
    opened(member_client, members_chapter)
    first = ReadingPosition.objects.get(user=member).first_members_chapter_at
    opened(member_client, chapters[3])
    opened(member_client, members_chapter, "verder")
    assert ReadingPosition.objects.get(user=member).first_members_chapter_at == first


def test_open_chapters_do_not_set_it_and_a_get_writes_nothing(
    member_client, member, chapters, open_chapter, members_chapter
):
    opened(member_client, open_chapter)
    opened(member_client, chapters[1], "verder")
    assert ReadingPosition.objects.get(user=member).first_members_chapter_at is None
    assert funnel_count() == 0
    # Opening a page (a GET) records nothing, a chapter for members neither: its script
    # does the posting.
    assert member_client.get(members_chapter.get_absolute_url()).status_code == 200
    position = ReadingPosition.objects.get(user=member)
    assert position.chapter == chapters[1] and position.first_members_chapter_at is None


def test_a_reader_without_a_copy_cannot_record_a_members_chapter(client, user, members_chapter):
    client.force_login(user)
    response = client.post(reverse(POSITION), {"chapter": members_chapter.pk})
    assert response.status_code == 400
    assert not ReadingPosition.objects.exists()


def test_recording_it_costs_no_query_more_and_a_repeat_no_write(
    client, chapters, members_chapter, open_chapter, django_assert_num_queries, session_queries
):
    readers = [MembershipFactory().user for _ in range(3)]
    # The session, the user with their copy, the chapter by the access rule; then the
    # position read, the one statement that writes it and the position read back.
    writes = 5 + session_queries
    client.force_login(readers[0])
    with django_assert_num_queries(writes):
        opened(client, open_chapter)
    client.force_login(readers[1])
    with django_assert_num_queries(writes):
        opened(client, members_chapter)  # the first chapter for members, recorded
    with django_assert_num_queries(writes):
        opened(client, open_chapter)
    with django_assert_num_queries(writes):
        opened(client, members_chapter)  # known already: the place moves, nothing more
    # The same place again (a reload): one read, no write.
    with django_assert_num_queries(writes - 2):
        opened(client, members_chapter)
    recorded = ReadingPosition.objects.exclude(first_members_chapter_at=None)
    assert list(recorded.values_list("user", flat=True)) == [readers[1].pk]


def test_the_migration_fills_it_in_for_readers_whose_place_is_a_members_chapter(
    members_chapter, open_chapter
):
    saved = datetime(2026, 5, 4, 12, tzinfo=UTC)
    there = ReadingPositionFactory(chapter=members_chapter)
    elsewhere = ReadingPositionFactory(chapter=open_chapter)
    ReadingPosition.objects.update(updated_at=saved)
    migration = importlib.import_module(
        "book.migrations.0009_reading_position_first_members_chapter"
    )
    migration.from_current_positions(apps, None)
    there.refresh_from_db()
    elsewhere.refresh_from_db()
    assert there.first_members_chapter_at == saved
    assert elsewhere.first_members_chapter_at is None
