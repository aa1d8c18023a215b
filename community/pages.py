"""Whole chapter pages, cached and shared between readers who see the same page.

Two audiences share a chapter page: anonymous readers (no session, no messages: the
page cached whole, core.page_cache) and members (not staff, no messages waiting).
A member's page is stored with stand-ins for what is theirs (their CSRF token in every
form, the reactions they gave; stories.fragments.personalise fills those in) and keyed
by whether they follow the chapter, the one other thing of theirs it shows. Staff,
accounts without a copy and any request with a query string other than the stories'
page number are answered by the view as before.

The key is made of what the page depends on, read from the database in one query per
request (`_versions`): the book and its updated_at, the published chapters (their count
and latest updated_at: pager, titles, table of contents) and this chapter's
stories_version (raised by every change beneath it). It is not kept in the cache itself:
with the local-memory cache each worker has its own, and a story published through one
worker must show at once in the others. The home page is shared by anonymous readers
the same way (`home_page`)."""

from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Count, Max, Q, Subquery, Sum
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from book.models import Book, Chapter, user_is_member
from community.statistics import PUBLIC_COUNTS_SECONDS
from core.page_cache import cached_page, digest, sessionless_anonymous
from core.paging import page_number
from core.prepared import Prepared
from editions.models import Edition
from meetings.models import Meeting
from stories.fragments import CHAPTER_PAGE_PARAM, personalise
from stories.models import ChapterFollow
from stories.shared import given_reactions

#: How long a page may live in the cache at most; a change takes a new key at once.
CHAPTER_PAGE_SECONDS = 600


@dataclass(frozen=True)
class MemberPage:
    """A chapter page shared by members: stored with stand-ins, made each one's own."""

    key: str
    chapter_pk: int
    #: Whether this member follows the chapter (asked for the key already).
    following: bool

    def get(self, request) -> HttpResponse | None:
        """The page from the cache, made this member's; None when it is not there."""
        entry = cache.get(self.key)
        if entry is None:
            return None
        html, _sections = entry
        return HttpResponse(personalise(request, html, self._given(request)))

    def _given(self, request):
        return given_reactions(request.user.membership.pk, chapter_pk=self.chapter_pk)

    def store(self, request, response, *, sections) -> HttpResponse:
        """Keep a page the view rendered for every member, if it may be shared, and
        answer with it made this member's."""
        if response.status_code != 200 or response.cookies:
            return response
        # The page must hold no token of this member: get_token() was not called while
        # rendering (the forms carry the stand-in).
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response
        html = response.content.decode(response.charset)
        cache.set(self.key, (html, sections), CHAPTER_PAGE_SECONDS)
        response.content = personalise(request, html, self._given(request))
        return response


def chapter_page(request, slug, render) -> HttpResponse:
    """The chapter page `slug`: shared with every anonymous reader (whole, see
    core.page_cache) or with every member (`MemberPage`) when the request may share
    it, else `render(None)`. `render(member_page)` renders the page, for everyone in
    the audience when given a MemberPage (then storing it is the caller's part)."""
    query = request.META.get("QUERY_STRING", "")
    if query:
        name, _sep, number = query.partition("=")
        if name != CHAPTER_PAGE_PARAM or str(page_number(number)) != number:
            return render(None)
    anonymous = sessionless_anonymous(request)
    if not anonymous and not _shares_as_member(request):
        return render(None)
    versions = _versions.first(slug=slug)
    if versions is None or versions[0] is None:
        return render(None)  # not a published chapter: the view answers (404)
    chapter_pk = versions[0]
    meetings = _meetings_shown(chapter_pk)
    parts = ["book:chapter-page:v2", *versions, meetings, slug, get_language(), query]
    if anonymous:
        return cached_page(request, _key(parts), lambda: render(None), CHAPTER_PAGE_SECONDS)
    following = bool(_follow.rows(membership=request.user.membership.pk, chapter=chapter_pk))
    parts += ["member", "following" if following else "not-following"]
    page = MemberPage(key=_key(parts), chapter_pk=chapter_pk, following=following)
    response = page.get(request)
    if response is None:
        response = render(page)
    # The same address answers members and anonymous readers differently.
    patch_vary_headers(response, ["Cookie"])
    return response


def home_page(request, render) -> HttpResponse:
    """The home page, shared by anonymous readers (members see where they were reading).
    It shows the public counts, themselves cached for a minute
    (community.statistics.public_counts); the page is kept a minute too, so the counts
    it shows are at most two minutes old. Everything else on it shows at once."""
    key = None
    if not request.META.get("QUERY_STRING") and sessionless_anonymous(request):
        versions = _home_versions.first()
        if versions is not None:  # else no book or no published chapter yet: rendered
            editions = digest(_editions.rows())
            key = _key(["book:home:v1", *versions, editions, _meetings_shown(), get_language()])
    return cached_page(request, key, render, PUBLIC_COUNTS_SECONDS)


def _meetings_shown(chapter_pk: int | None = None) -> str:
    """Which upcoming meetings the page shows, as they are now: a key part."""
    shown = Meeting.objects.next_shown(chapter=chapter_pk)
    return digest(list(shown.values_list("pk", "updated_at")))


def _shares_as_member(request) -> bool:
    """A member who is not staff, with no messages waiting (those show on the page)."""
    if request.method not in ("GET", "HEAD") or CookieStorage.cookie_name in request.COOKIES:
        return False
    user = request.user
    if not user.is_authenticated or user.is_staff or not user_is_member(user):
        return False
    return not len(get_messages(request))


def _key(parts) -> str:
    # No spaces (timestamps as text have one): memcached refuses them.
    return ":".join(str(part).replace(" ", "") for part in parts)


#: What a chapter page depends on, besides the chapter's text (its updated_at is among the
#: chapters'): one row, or none when `slug` is not a published chapter of the book.
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
        .values_list(
            "chapter_pk",
            "book",
            "book_updated",
            "chapters_updated",
            "chapter_count",
            "stories_version",
        )
    )
)

#: What the home page depends on, besides the editions and the counts: the book, its
#: published chapters and the stories beneath them (each chapter's stories_version only
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
        .values_list(
            "book", "book_updated", "chapters_updated", "chapter_count", "stories_versions"
        )
    )
)

#: Published editions are fixed (book.services.edition_publish): which ones there are
#: is all the home page needs to know of them.
_editions = Prepared(
    lambda: Edition.objects.published().order_by("pk").values_list("pk", "published_at")
)

_follow = Prepared(
    lambda membership, chapter: ChapterFollow.objects.filter(
        membership_id=membership, chapter_id=chapter
    ).values_list("pk")[:1]
)
