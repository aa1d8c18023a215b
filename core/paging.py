"""Paging through a long list: the page number read from the query string in one way,
and one page object for the one pager, templates/includes/pagination.html.

A page number comes from the address bar, so anything may arrive: a word, zero, a
negative number, digits that are not ASCII ("²", which str.isdigit accepts and int
refuses), or a number whose OFFSET overflows the database's 64-bit integers
(`?pagina=99999999999999999999`). Whatever is not a positive whole number reads as page
1, and a number above MAX_PAGE as MAX_PAGE; a counted list shows its last page for a
number past its end, an uncounted one an empty page, as for any page past its end.

Two kinds of list. `counted_page` counts the items, for "Pagina 2 van 7" and a total.
`uncounted_page` reads one row more than it shows to know whether a next page exists:
a page of stories then costs the same queries whether there are ten stories or a
hundred thousand. The links keep the rest of the query string (the filters, the
question searched for) with the page's parameter set; each list keeps its own
parameter name, so addresses stay as they were."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict

PAGE_PARAM = "pagina"
#: The furthest page any list is paged to: 10,000 pages of 20 stories is 200,000
#: stories, more than a book gathers; links stop there, so none leads to itself.
MAX_PAGE = 10_000


def page_number(value: str | None) -> int:
    """The page that `value`, a query-string value, asks for: from 1 to MAX_PAGE."""
    if not value or not (value.isascii() and value.isdigit()):
        return 1
    digits = value.lstrip("0")
    if len(digits) > len(str(MAX_PAGE)):
        return MAX_PAGE  # read without int(): a few thousand digits are refused there
    return min(max(int(digits or "0"), 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    """One page of a list, as the pager shows it."""

    object_list: list
    number: int
    per_page: int
    has_next: bool
    previous_url: str
    next_url: str
    #: How many items and pages the list has in all; None when it was not counted.
    count: int | None = None
    num_pages: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def start_index(self) -> int:
        """The position of the page's first item in the whole list, counted from 1."""
        return (self.number - 1) * self.per_page + 1


def counted_page(query: QueryDict, items, *, per_page: int, param: str = PAGE_PARAM) -> Page:
    """The page of `items` (a queryset or a list) that `query`, the request's GET, asks
    for, counted: two queries for a queryset, the count and the page."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(page_number(query.get(param)))
    return _page(
        query,
        param,
        list(page.object_list),
        number=page.number,
        per_page=per_page,
        has_next=page.has_next(),
        count=paginator.count,
        num_pages=paginator.num_pages,
    )


def uncounted_page(
    query: QueryDict,
    rows: Callable[[int, int], Iterable],
    *,
    per_page: int,
    param: str = PAGE_PARAM,
) -> Page:
    """The page that `query` asks for, from `rows(start, stop)`, which gives the list's
    rows `start:stop`: one row more than the page shows is read, to know whether a
    next page exists, instead of counting the whole list."""
    number = page_number(query.get(param))
    start = (number - 1) * per_page
    found = list(rows(start, start + per_page + 1))
    return _page(
        query,
        param,
        found[:per_page],
        number=number,
        per_page=per_page,
        has_next=len(found) > per_page and number < MAX_PAGE,
    )


def _page(
    query: QueryDict,
    param: str,
    object_list: list,
    *,
    number: int,
    per_page: int,
    has_next: bool,
    count: int | None = None,
    num_pages: int | None = None,
) -> Page:
    def url(to: int) -> str:
        linked = query.copy()
        linked[param] = str(to)
        return f"?{linked.urlencode()}"

    return Page(
        object_list=object_list,
        number=number,
        per_page=per_page,
        has_next=has_next,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if has_next else "",
        count=count,
        num_pages=num_pages,
    )
