"""One pager for every paged list (core.paging): the page number read bounded, and
every paged page answering whatever the address bar says, never with a 500."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from core.paging import MAX_PAGE, counted_page, page_number, uncounted_page
from stories.models import Status
from tests.clients import signed_in
from tests.factories import ProfileFactory, StoryFactory

#: Page numbers no link on the site makes: past any 64-bit OFFSET, more digits than
#: int() reads, negative, zero, words, a fraction, digits that are not ASCII.
BAD_NUMBERS = ["99999999999999999999", "9" * 5000, "-1", "0", "nul", "1.5", "²", "٣"]


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (None, 1),
        ("", 1),
        ("1", 1),
        ("2", 2),
        ("007", 7),
        ("0", 1),
        ("000", 1),
        ("-3", 1),
        ("+2", 1),
        (" 2", 1),
        ("1.5", 1),
        ("twee", 1),
        ("²", 1),
        ("٣", 1),
        (str(MAX_PAGE), MAX_PAGE),
        (str(MAX_PAGE + 1), MAX_PAGE),
        ("0000000000000000000000002", 2),
        ("99999999999999999999", MAX_PAGE),
        ("9" * 5000, MAX_PAGE),
    ],
)
def test_page_number_is_a_whole_number_from_one_to_the_maximum(value, number):
    assert page_number(value) == number


def test_a_counted_page_past_the_end_is_the_last_page():
    page = counted_page(QueryDict("pagina=99999999999999999999"), list(range(45)), per_page=20)
    assert (page.number, page.num_pages, page.count) == (3, 3, 45)
    assert page.object_list == list(range(40, 45))
    assert page.start_index == 41
    assert not page.has_next and page.next_url == ""


def test_the_links_keep_the_other_parameters_and_set_the_page():
    page = counted_page(QueryDict("q=buurt&pagina=2&rol=x"), list(range(60)), per_page=20)
    assert page.previous_url == "?q=buurt&pagina=1&rol=x"
    assert page.next_url == "?q=buurt&pagina=3&rol=x"
    first = counted_page(QueryDict("q=buurt"), list(range(60)), per_page=20)
    assert first.previous_url == "" and first.next_url == "?q=buurt&pagina=2"


def test_an_uncounted_page_reads_one_row_more_than_it_shows():
    asked = []

    def rows(start, stop):
        asked.append((start, stop))
        return list(range(45))[start:stop]

    page = uncounted_page(QueryDict("verhalen=2"), rows, per_page=20, param="verhalen")
    assert asked == [(20, 41)]
    assert page.object_list == list(range(20, 40))
    assert page.has_next and page.next_url == "?verhalen=3"
    assert page.previous_url == "?verhalen=1"
    assert page.num_pages is None and page.count is None


def test_an_uncounted_list_links_no_further_than_the_maximum():
    page = uncounted_page(
        QueryDict(f"pagina={MAX_PAGE}"), lambda start, stop: range(stop - start), per_page=20
    )
    assert page.number == MAX_PAGE and not page.has_next and page.next_url == ""


# ---- Every paged page, through the real views -----------------------------------------


@pytest.fixture
def lists(chapters, curator):
    """Something in every paged list: stories (and so search results), the queue, the
    log, the member directory."""
    chapter = chapters[0]
    StoryFactory.create_batch(3, chapter=chapter, title="Buurtkamer", body="De buurtkamer.")
    StoryFactory(chapter=chapter, status=Status.PENDING)
    ProfileFactory(display_name="Anouk")
    return chapter


def _paged_pages(chapter):
    """(who asks, address without the page number, the page's parameter)."""
    return [
        ("anonymous", chapter.get_absolute_url(), "verhalen"),
        ("member", chapter.get_absolute_url(), "verhalen"),
        ("anonymous", reverse("stories:latest"), "pagina"),
        ("member", reverse("stories:latest"), "pagina"),
        ("curator", reverse("stories:latest"), "pagina"),
        ("anonymous", reverse("stories:search") + "?q=buurtkamer&", "pagina"),
        ("curator", reverse("stories:moderation_queue"), "pagina"),
        ("curator", reverse("stories:moderation_log") + "?handeling=approve&", "pagina"),
        ("member", reverse("directory"), "pagina"),
    ]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_every_paged_page_answers_any_page_number(lists, member, curator, value):
    clients = {"anonymous": Client(), "member": signed_in(member), "curator": signed_in(curator)}
    for who, address, param in _paged_pages(lists):
        joiner = "" if address.endswith("&") else "?"
        response = clients[who].get(f"{address}{joiner}{param}={value}")
        assert response.status_code == 200, (who, address, value)
        page = response.context.get("page") if response.context else None
        if page is not None and page.num_pages is not None:
            # A counted list shows a page that exists: the first or the last.
            assert page.number in (1, page.num_pages), (address, value)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_decision_in_the_queue_returns_to_a_page_that_can_be_read(lists, curator, value):
    client = signed_in(curator)
    response = client.post(
        reverse("stories:moderation_decide"),
        {"target": "story:999999", "action": "approve", "pagina": value},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
