"""A member's own pages do not grow with what they wrote: "Mijn verhalen" is paged and
the data download is written as it is read, in the same queries for 10 stories as for
1,000."""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import privacy
from core.exports import json_write
from stories.models import Status
from stories.moderation_views import QUEUE_PER_PAGE
from stories.views import MINE_PER_PAGE
from tests.factories import bulk_stories

pytestmark = pytest.mark.django_db


@pytest.fixture
def prolific(member, open_chapter):
    """`member` with `count` stories (call with the count)."""

    def write(count):
        bulk_stories(count, chapter=open_chapter, authors=[member.membership])
        return member

    return write


@pytest.mark.parametrize("count", [10, 1000])
def test_my_stories_are_paged_in_queries_that_do_not_grow(count, prolific, client, session_queries):
    client.force_login(prolific(count))
    url = reverse("stories:mine")
    client.get(url)  # the first request fills the process' caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"pagina": 2})
    page = response.context["page"]
    assert page.count == count
    # Past the end of a short list, its last page.
    assert (page.number, len(page.object_list)) == ((1, 10) if count == 10 else (2, MINE_PER_PAGE))
    assert len(queries) == 5 + session_queries


@pytest.mark.parametrize("count", [10, 1000])
def test_the_data_download_of_a_prolific_author_costs_the_same_queries(
    count, prolific, client, session_queries
):
    user = prolific(count)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("data_download"))
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("gegevens.json"))
    assert len(data["stories"]) == count
    expected = privacy.account_export(user=user)
    assert {**data, "exported_at": None} == {**expected, "exported_at": None}
    assert sorted(archive.namelist()) == ["LEESMIJ.txt", "gegevens.json"]
    # Per kind: stories with their pending edits, replies, reactions, introductions,
    # affiliations, meeting registrations, agenda items, notes, "wie wil je terugzien?"
    # marks and meeting e-mail choices, suggestions and responses to them, the messages
    # of their introductions, the stories they wrote with someone, the welcome mails and
    # newsletter deliveries, the organisations' sign-in they used: the same for 10 and
    # 1,000.
    assert len(queries) == 31 + session_queries


@pytest.mark.parametrize("rows", [[], [{"a": "regel\nregel", "b": [1, {"c": None}]}, {"d": []}]])
def test_json_written_as_it_is_read_is_the_json_the_download_always_gave(rows):
    data = {"site": "Het boek", "stories": rows, "profile": {"naam": "Één"}, "leeg": {}}
    out = io.StringIO()
    json_write({**data, "stories": iter(rows)}, out)
    assert out.getvalue() == json.dumps(data, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_moderation_queue_is_paged_in_queries_that_do_not_grow(
    count, open_chapter, curator, client, session_queries
):
    bulk_stories(count, chapter=open_chapter, status=Status.PENDING)
    client.force_login(curator)
    url = reverse("stories:moderation_queue")
    client.get(url)  # the first request fills the process' caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.context["page"].count == count
    assert len(response.context["items"]) == min(count, QUEUE_PER_PAGE)
    # The page, its stories with their open reports, reporters and waiting edits.
    assert len(queries) == 8 + session_queries
