"""Whole chapter pages, cached and shared between readers who see the same page.

Two audiences share a chapter page: anonymous readers (no session, no messages: the
page cached whole, core.cache.cached_page) and members (not staff, no messages
waiting). A member's page is stored with stand-ins for what is theirs (their CSRF token
in every form, the reactions they gave; core.cache.personal_page fills those in) and
keyed by whether they follow the chapter, the one other thing of theirs it shows. Staff,
accounts without a copy, any request with a query string other than the stories'
page number and the deep pages of the stories (past core.cache.KEPT_PAGES, which
crawlers walk) are answered by the view as before, and not stored.

The key is made of what the page depends on, read from the database in one query per
request (`_versions`; at most once a second per worker, core.cache.recent_versions): the book and its updated_at, the published chapters (their count
and latest updated_at: pager, titles, table of contents) and this chapter's
stories_version (raised by every change beneath it). The home page is shared by anonymous readers
the same way (`home_page`)."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q, Subquery, Sum
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from book.models import Book, Chapter, user_is_member
from core import cache
from core.paging import page_number
from core.prepared import Prepared
from editions.models import Edition
from meetings.shared import upcoming_meetings
from stories.fragments import CHAPTER_PAGE_PARAM
from stories.shared import own_in_chapter


@dataclass(frozen=True)
class MemberPage:
    """A chapter page rendered for every member who shares it (core.cache.personal_page):
    with core.cache.shared_context(), and the one thing of theirs the key holds."""

    #: Whether the members who share the page follow the chapter.
    following: bool


def chapter_page(request, slug, render) -> HttpResponse:
    """The chapter page `slug`: shared with every anonymous reader (whole, see
    core.cache.cached_page) or with every member (core.cache.personal_page) when the
    request may share it, else `render(None)`. `render(member_page)` renders the page
    for every member when given a MemberPage."""
    query = request.META.get("QUERY_STRING", "")
    if query:
        name, _sep, number = query.partition("=")
        if name != CHAPTER_PAGE_PARAM or str(page_number(number)) != number:
            return render(None)
        if not cache.kept_page(int(number)):
            return render(None)  # a deep page: rendered, not stored (core.cache.KEPT_PAGES)
    anonymous = cache.sessionless_anonymous(request)
    if not anonymous and not cache.shares_as_member(request, user_is_member):
        return render(None)
    versions = cache.recent_versions(("chapter", slug), lambda: _versions.first(slug=slug))
    if versions is None or versions[0] is None:
        return render(None)  # not a published chapter: the view answers (404)
    chapter_pk = versions[0]
    parts = ["book:chapter-page:v4", *versions, slug, query]
    if anonymous:
        return cache.cached_page(request, cache.html_key(*parts), lambda: render(None))
    membership_pk = request.user.membership.pk
    following, given = own_in_chapter(membership_pk, chapter_pk)
    response = cache.personal_page(
        request,
        cache.html_key(*parts, "member", "following" if following else "not-following"),
        lambda: render(MemberPage(following=following)),
        given=lambda: given,
    )
    # The same address answers members and anonymous readers differently.
    patch_vary_headers(response, ["Cookie"])
    return response


def home_page(request, render) -> HttpResponse:
    """The home page, shared by anonymous readers (members see where they were reading).
    It shows the public counts, kept fresh for a minute and renewed in the background
    (community.statistics.public_counts: no request waits for them); the page is kept
    a minute too, so the counts it shows are about two minutes old at most (and the
    time a renewal waits in the task queue). Everything else on it shows at once."""
    key = None
    if not request.META.get("QUERY_STRING") and cache.sessionless_anonymous(request):
        versions, editions = cache.recent_versions(
            "home", lambda: (_home_versions.first(), _editions.rows())
        )
        if versions is not None:  # else no book or no published chapter yet: rendered
            key = cache.html_key("book:home:v2", *versions, cache.digest(editions))
    return cache.cached_page(request, key, render, cache.COUNTS_SECONDS)


#: What a chapter page depends on, besides the chapter's text (its updated_at is among the
#: chapters'): one row, or none when `slug` is not a published chapter of the book. The
#: upcoming meetings about the chapter are part of it (meetings.shared.upcoming_meetings).
_versions = Prepared(
    lambda slug: (
        Chapter.objects.published()
        .filter(book=Subquery(Book.objects.order_by("pk").values("pk")[:1]))
        .order_by()
        .values("book")
        .annotate(
            chapter_pk=Max("pk", filter=Q(slug=slug)),
            book_updated=Max("book__updated_at"),
            chapters_updated=Max("updated_at"),
            chapter_count=Count("pk"),
            stories_version=Max("stories_version", filter=Q(slug=slug)),
        )
        .annotate(
            upcoming=upcoming_meetings(chapters__slug=slug),
        )
        .values_list(
            "chapter_pk",
            "book",
            "book_updated",
            "chapters_updated",
            "chapter_count",
            "stories_version",
            "upcoming",
        )
    )
)

#: What the home page depends on, besides the editions and the counts: the book, its
#: published chapters, the upcoming meetings and the stories beneath the chapters (each chapter's stories_version only
#: ever goes up, so their sum changes with any of them).
_home_versions = Prepared(
    lambda: (
        Chapter.objects.published()
        .filter(book=Subquery(Book.objects.order_by("pk").values("pk")[:1]))
        .order_by()
        .values("book")
        .annotate(
            book_updated=Max("book__updated_at"),
            chapters_updated=Max("updated_at"),
            chapter_count=Count("pk"),
            stories_versions=Sum("stories_version"),
        )
        .annotate(upcoming=upcoming_meetings())
        .values_list(
            "book",
            "book_updated",
            "chapters_updated",
            "chapter_count",
            "stories_versions",
            "upcoming",
        )
    )
)

#: Published editions are fixed (book.services.edition_publish): which ones there are
#: is all the home page needs to know of them.
_editions = Prepared(
    lambda: Edition.objects.published().order_by("pk").values_list("pk", "published_at")
)
