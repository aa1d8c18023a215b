"""The admin's story list reads a page, not every story: the same queries for 10
stories as for 1,000, no count of the whole table beside the filtered one, no GROUP BY."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories.reports import report_create
from tests.factories import MembershipFactory, bulk_stories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("query", [{}, {"q": "Verhaal 7"}, {"status__exact": "published"}])
# 10 stories fit on one page, which Django's admin reads whole; 1,000 are paged.
def test_the_story_list_costs_the_same_queries_whatever_the_number_of_stories(
    count, query, admin_client, open_chapter, session_queries
):
    stories = bulk_stories(count, chapter=open_chapter)
    reported = stories.get(title="Verhaal 7" if count == 10 else "Verhaal 997")
    report_create(story=reported, reporter=MembershipFactory(), reason="Klopt niet")
    url = reverse("admin:stories_story_changelist")
    admin_client.get(url, query)  # the first request fills the process' caches
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, query)
    assert response.status_code == 200
    listed = {story.title: story for story in response.context["cl"].result_list}
    assert listed[reported.title].open_report_count == 1
    sql = [q["sql"] for q in queries]
    # Reports are counted per listed story (GROUP BY in a subquery), never by grouping
    # the stories themselves; the one count is of the filtered list.
    assert [s for s in sql if 'GROUP BY "stories_story"' in s] == []
    counts = [s for s in sql if s.startswith("SELECT COUNT(*)") and '"stories_story"' in s]
    assert len(counts) == 1 and "GROUP BY" not in counts[0]
    assert response.context["cl"].full_result_count is None
    assert len(queries) == 5 + session_queries
