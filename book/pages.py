"""Whole chapter pages, cached and shared between readers who see the same page.

Two audiences share a chapter page: anonymous readers (no session, no messages) and members
(not staff, no messages waiting). A member's page is stored with stand-ins for what is
theirs (their CSRF token in every form, the reactions they gave; stories.views.personalise
fills those in) and keyed by whether they follow the chapter, the one other thing of
theirs it shows. Staff, accounts without a copy and any request with a query string other
than the stories' page number are answered by the view as before.

The key is made of what the page depends on, read from the database in one query per
request (`_versions`): the book and its updated_at, the published chapters (their count
and latest updated_at: pager, titles, table of contents) and this chapter's
stories_version (raised by every change beneath it). It is not kept in the cache itself:
with the local-memory cache each worker has its own, and a story published through one
worker must show at once in the others. The home page is shared by anonymous readers
the same way (`home_page`)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db.models import Count, Max, Q, Subquery, Sum
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from community.prepared import Prepared
from community.statistics import PUBLIC_COUNTS_SECONDS
from members.models import user_is_member
from stories.models import ChapterFollow
from stories.views import CHAPTER_PAGE_PARAM, personalise

from .models import Book, Chapter, Edition
from .services import reading_position_opened

#: How long a page may live in the cache at most; a change takes a new key at once.
CHAPTER_PAGE_SECONDS = 600


@dataclass(frozen=True)
class SharedPage:
    key: str
    chapter_pk: int | None = None
    member: bool = False
    #: A member's page: whether they follow the chapter (asked for the key already).
    following: bool | None = None
    seconds: int = CHAPTER_PAGE_SECONDS

    def get(self, request) -> HttpResponse | None:
        """The page from the cache, made this reader's; None when it is not there."""
        entry = cache.get(self.key)
        if entry is None:
            return None
        html, sections = entry
        if self.member:
            # Opening a chapter remembers it (see book.views._chapter_detail); the
            # section ids come with the page, so the chapter row need not be read.
            chapter = Chapter(pk=self.chapter_pk, sections=sections)
            reading_position_opened(user=request.user, chapter=chapter)
            html = personalise(request, html, chapter_pk=self.chapter_pk)
        response = HttpResponse(html)
        # The same address answers members and anonymous readers differently.
        patch_vary_headers(response, ["Cookie"])
        return response

    def store(self, request, response, *, sections=None) -> HttpResponse:
        """Keep a page the view rendered for this audience, if it may be shared, and
        answer with it made this reader's."""
        patch_vary_headers(response, ["Cookie"])
        if response.status_code != 200 or response.cookies:
            return response
        # The page must hold no token of this reader: get_token() was not called while
        # rendering (members' forms carry the stand-in; anonymous pages have no form).
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return response
        html = response.content.decode(response.charset)
        if not self.member and "csrfmiddlewaretoken" in html:
            return response
        cache.set(self.key, (html, sections), self.seconds)
        if self.member:
            response.content = personalise(request, html, chapter_pk=self.chapter_pk)
        return response


def shared_page(request, slug) -> SharedPage | None:
    """This request's shared page, or None when the view must answer it alone."""
    if request.method not in ("GET", "HEAD"):
        return None
    query = request.META.get("QUERY_STRING", "")
    if query:
        name, _sep, number = query.partition("=")
        if name != CHAPTER_PAGE_PARAM or not number.isdigit() or str(int(number)) != number:
            return None
    if CookieStorage.cookie_name in request.COOKIES:
        return None
    if _anonymous(request):
        member = False
    elif not request.user.is_authenticated or request.user.is_staff:
        return None
    elif not user_is_member(request.user) or len(get_messages(request)):
        return None
    else:
        member = True
    versions = _versions.first(slug=slug)
    if versions is None or versions[0] is None:
        return None  # not a published chapter: the view answers (404)
    chapter_pk = versions[0]
    parts = ["book:chapter-page:v2", *versions, slug, get_language(), query]
    following = None
    if member:
        following = bool(_follow.rows(membership=request.user.membership.pk, chapter=chapter_pk))
        parts += ["member", "following" if following else "not-following"]
    return SharedPage(key=_key(parts), chapter_pk=chapter_pk, member=member, following=following)


def home_page(request) -> SharedPage | None:
    """The home page as every anonymous reader sees it (members see where they were
    reading). It shows the public counts, themselves cached for a minute
    (community.statistics.public_counts); the page is kept a minute too, so the counts
    it shows are at most two minutes old. Everything else on it shows at once."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return None
    if CookieStorage.cookie_name in request.COOKIES or not _anonymous(request):
        return None
    versions = _home_versions.first()
    if versions is None:
        return None  # no book or no published chapter yet: rendered
    editions = _editions.rows()
    return SharedPage(
        key=_key(["book:home:v1", *versions, editions, get_language()]),
        seconds=PUBLIC_COUNTS_SECONDS,
    )


def _anonymous(request) -> bool:
    """Without a session cookie: no account, no messages; answered without a query."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


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
