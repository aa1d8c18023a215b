"""The cache: every key, lifetime, stand-in and personalisation of the site in one place.

What is kept, and how:

- **Pages shared by every anonymous reader**, whole (`cached_page`): a GET or HEAD
  without a session or messages cookie (`sessionless_anonymous`) gets a page in which
  nothing can belong to one reader (no CSRF token, no message, no name).
- **Pages and fragments shared by members**, rendered once with stand-ins for what is
  one visitor's own and filled in for each (`personal_page` for a whole page, `fetch`
  plus `personalise` for a fragment). A render for many visitors passes
  `shared_context()` to its template: every `{% csrf_token %}` then writes the
  stand-in, and `{% pressed ... %}` (core/templatetags/stand_ins.py) marks the buttons
  a visitor may have pressed (the reactions they gave).
- **A page of both kinds** (`shared_page`): who shares it (`audience`: anonymous
  readers, members), and which addresses of a list are stored (`page_query`: the
  filters a page reads and its first KEPT_PAGES pages), decided in one place; the view
  states its key and renders for the audience.
- **Values worked out from the database** (`fetch`, `fetch_each`): counts and drawings.
- **Values no request waits for** (`fetch_renewed`, `keep_renewed`): kept without an
  expiry, with a mark saying until when they are fresh. A request after that mark gets
  the value kept and hands the renewal to a background task (core/tasks.py: the
  immediate backend runs it at once in development and tests, `manage.py db_worker` in
  production); a lock taken with add() makes sure one renewal runs at a time.

Keys (`key`, `html_key` for what is rendered in a language) are made of versions read
from the database on every request, in one prepared query (core.prepared): the
domain apps say what a page depends on (community/pages.py, stories/shared.py,
suggestions/pages.py), and a
change takes a new key at once. The versions are not kept in the cache itself: with
the local-memory cache each worker process has a cache of its own, and a story
published through one worker must show at once in the others. The lifetimes below only
bound how long a change made outside the services waits, and how much a cache holds.
For the busiest pages (a chapter, shared by anonymous readers and by members; the home
page; an organisation's page and a chapter's suggestions for anonymous readers) a worker reads the versions again at most once per settings.SHARED_VERSIONS_SECONDS
(one second; `recent_versions`): under load that query, not the page, was most of such
a request's cost, and a change then shows on them within that second. What is one
reader's own is read on every request (the reactions they gave, whether they follow
the chapter), and a reader with a message waiting (after posting, editing, deleting)
gets the page rendered for them alone (`shares_as_member`).

A crawler cannot empty the cache for readers: of a list paged through only the first
KEPT_PAGES pages are stored (`kept_page`), deeper ones are rendered each time; and what
any address with a free query string makes a new entry of (a search question, a
filtered list) goes to a cache of its own, bounded apart from the hot pages
(`long_tail=True`: the "long-tail" cache, community/settings/base.py).

With Redis, what is kept under a versioned key (pages, fragments, values) has a near
copy too: each worker keeps the entries it reads most in its own memory (the "near"
cache, bounded) in front of Redis, so a hot page costs no round trip and no transfer of
its 50 kB. That is safe because such an entry never changes under its key: a change
takes a new key, read from the database on every request as before. The near copy
keeps an entry for the first part of its lifetime and Redis for the rest (`_lifetimes`),
so together they keep it no longer than asked."""

import hashlib
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as store
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.paging import page_number

#: Anything keyed by versions: pages, fragments, counts per chapter.
VERSIONED_SECONDS = 600
#: What is not versioned and may be a minute old: the public counts on the home page,
#: and the home page that shows them (so its counts are at most two minutes old).
COUNTS_SECONDS = 60
#: How long a renewal (`fetch_renewed`) may take before another request starts one
#: again: a renewal that failed is retried after this.
RENEWING_SECONDS = 300
#: What is keyed by a fingerprint of everything it shows (a membership card's image).
FINGERPRINTED_SECONDS = 7 * 24 * 3600

#: How many pages of a list are stored: readers rarely go further, crawlers walk them
#: all, one entry each.
KEPT_PAGES = 5

#: In a render shared by many visitors, the value of `csrf_token`: `{% csrf_token %}`
#: writes it, and `personalise` puts the visitor's own token in its place.
CSRF_STAND_IN = "csrf-token-of-the-visitor"
_PRESSED = 'data-given="{}" aria-pressed="{}"'


# ---- Keys ---------------------------------------------------------------------------


def key(*parts) -> str:
    """A cache key of `parts`, with no spaces (timestamps as text have one): memcached
    refuses them."""
    return ":".join(str(part).replace(" ", "") for part in parts)


def html_key(*parts) -> str:
    """The key of something rendered: `parts` and the language it is rendered in."""
    return key(*parts, get_language() or "")


def digest(values) -> str:
    """A short key part for `values` (a list of rows, a query string): keys stay short
    and hold no character a cache refuses."""
    return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()


def kept_page(number: int) -> bool:
    """Whether page `number` of a list is stored (KEPT_PAGES)."""
    return number <= KEPT_PAGES


#: The longest a worker keeps its near copy of an entry (with Redis only).
NEAR_SECONDS = 300


def _near():
    """The worker's own cache in front of Redis, or None (without Redis the default cache
    is the worker's own memory already)."""
    return caches["near"] if "near" in settings.CACHES else None


def _lifetimes(seconds: int) -> tuple[int, int]:
    """How long the near copy and Redis keep an entry kept for `seconds`: the near copy
    the first part (at most NEAR_SECONDS, at most half), Redis the rest, so that an entry
    read from Redis just before it expires is not served longer than `seconds` in all."""
    near = min(NEAR_SECONDS, seconds // 2)
    return near, seconds - near


def _get(key: str, seconds: int, long_tail: bool = False):
    """What is kept under `key` (for `seconds` when it was kept): the near copy first
    (not for the long tail), else the shared cache, copied near for the next request."""
    if long_tail:
        return caches["long-tail"].get(key)
    near = _near()
    if near is None:
        return store.get(key)
    value = near.get(key)
    if value is None:
        value = store.get(key)
        if value is not None:
            near.set(key, value, _lifetimes(seconds)[0])
    return value


def _keep(key: str, value: object, seconds: int, long_tail: bool = False) -> None:
    """Keep `value` under `key`: in the long-tail cache no longer than its own TIMEOUT;
    with Redis near too (`_lifetimes`)."""
    if long_tail:
        kept = caches["long-tail"]
        limit = kept.default_timeout
        kept.set(key, value, seconds if limit is None else min(seconds, int(limit)))
        return
    near = _near()
    if near is None:
        store.set(key, value, seconds)
        return
    near_seconds, shared_seconds = _lifetimes(seconds)
    near.set(key, value, near_seconds)
    store.set(key, value, shared_seconds)


# ---- Values -------------------------------------------------------------------------


def fetch[V](
    key: str | None,
    compute: Callable[[], V],
    seconds: int = VERSIONED_SECONDS,
    *,
    long_tail: bool = False,
) -> V:
    """The value under `key`, or `compute()`, kept under `key` for `seconds` (in the
    long-tail cache with `long_tail`). `key` None: not stored, `compute()` gives it."""
    if key is None:
        return compute()
    value = _get(key, seconds, long_tail)
    if value is None:
        value = compute()
        _keep(key, value, seconds, long_tail)
    return value


def fetch_each[K: Hashable, V](
    keys: Mapping[str, K],
    compute: Callable[[list[K]], Mapping[K, V]],
    *,
    default: V,
    seconds: int = VERSIONED_SECONDS,
) -> dict[K, V]:
    """A value for each item of `keys` (cache key: item), in one read of the cache:
    `compute(items)` gives them for the items not in it (those it leaves out get
    `default`)."""
    found = store.get_many(list(keys))
    values = {keys[name]: value for name, value in found.items()}
    missing = {name: item for name, item in keys.items() if name not in found}
    if missing:
        fresh = compute(list(missing.values()))
        computed = {name: fresh.get(item, default) for name, item in missing.items()}
        store.set_many(computed, seconds)
        values |= {item: computed[name] for name, item in missing.items()}
    return values


def fetch_renewed[V](key: str, renew: Callable[[], object]) -> V | None:
    """The value kept under `key` (by `keep_renewed`), fresh or not: none of this waits
    for it to be worked out. When it is past its freshness, or missing, `renew()` is
    called (it enqueues the task that calls `keep_renewed`), by one request at a time:
    the first to take the lock. None when nothing is kept yet and the renewal runs
    elsewhere (the page then shows without the value)."""
    kept = store.get(key)
    if kept is None or kept[0] <= time.time():
        if store.add(_renewing(key), True, RENEWING_SECONDS):
            renew()
        if kept is None:
            kept = store.get(key)  # renewed by now when the task ran at once
    return None if kept is None else kept[1]


def keep_renewed(key: str, value: object, seconds: int) -> None:
    """Keep `value` under `key` without an expiry, fresh for `seconds`
    (`fetch_renewed` serves it after that until the next renewal replaces it), and
    release the renewal's lock."""
    store.set(key, (time.time() + seconds, value), None)
    store.delete(_renewing(key))


def _renewing(key: str) -> str:
    return key + ":renewing"


# ---- Versions read again at most once a second ------------------------------------

#: What `recent_versions` read last in this worker: name -> (until when, versions).
_recent: dict[Hashable, tuple[float, Any]] = {}
#: A crawler asking for chapters that do not exist makes entries too: at most this many.
RECENT_ENTRIES = 500


def recent_versions[V](name: Hashable, read: Callable[[], V]) -> V:
    """The versions a shared page is keyed by: `read()`, or what it gave in this worker
    less than settings.SHARED_VERSIONS_SECONDS ago (0: read each time). A change then
    shows on the page within that time."""
    seconds = settings.SHARED_VERSIONS_SECONDS
    if seconds <= 0:
        return read()
    now = time.monotonic()
    kept = _recent.get(name)
    if kept is not None and kept[0] > now:
        return kept[1]
    versions = read()
    if len(_recent) >= RECENT_ENTRIES:
        _recent.clear()
    _recent[name] = (now + seconds, versions)
    return versions


def recent_versions_forget() -> None:
    """Forget what `recent_versions` kept (tests/caching.py)."""
    _recent.clear()


# ---- Pages shared by anonymous readers ----------------------------------------------


def sessionless_anonymous(request: HttpRequest) -> bool:
    """Whether the request may get a page shared with every anonymous reader: a GET
    or HEAD without a session or messages cookie (so without messages waiting either),
    by someone who is not logged in."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return not request.user.is_authenticated  # no session cookie: answered without a query


def cached_page(
    request: HttpRequest,
    key: str | None,
    view: Callable[[], HttpResponse],
    seconds: int = VERSIONED_SECONDS,
    *,
    long_tail: bool = False,
) -> HttpResponse:
    """The page under `key`, or `view()`, kept under `key` when nothing in it belongs
    to one reader (in the long-tail cache with `long_tail`). `key` None: the request
    may not share a page, or it is not stored; `view()` answers it."""
    if key is not None:
        content = _get(key, seconds, long_tail)
        if content is not None:
            return HttpResponse(content)
    response = view()
    if key is not None and _shareable(request, response) and _holds_no_token(response):
        _keep(key, response.content, seconds, long_tail)
    return response


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain 200 page that set no cookie, rendered without asking for the visitor's
    CSRF token (get_token() marks the request)."""
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _holds_no_token(response: HttpResponse) -> bool:
    return b"csrfmiddlewaretoken" not in response.content


# ---- Pages and fragments shared by members ------------------------------------------


def shared_context() -> dict:
    """What a template rendered for many visitors gets besides its own context: forms
    carry the CSRF stand-in, buttons the `{% pressed %}` stand-ins."""
    return {"shared": True, "csrf_token": CSRF_STAND_IN}


def pressed(item: Iterable, *, given: bool, shared: bool) -> SafeString:
    """The attributes of a button the visitor may have pressed (`item`: what it is, as
    parts, e.g. a story's pk and a reaction's kind): whether they did (`given`), or in
    a `shared` render a stand-in `personalise` fills in."""
    if not shared:
        return format_html('aria-pressed="{}"', "true" if given else "false")
    return format_html(_PRESSED, _item(item), "false")


def personalise(request: HttpRequest, html: str, given: Iterable[Iterable] = ()) -> str:
    """HTML rendered with `shared_context()`, made this visitor's: their CSRF token in
    each form, and the buttons of `given` (items, as `pressed` has them) pressed."""
    html = html.replace(f'value="{CSRF_STAND_IN}"', f'value="{get_token(request)}"')
    for item in given:
        name = _item(item)
        html = html.replace(_PRESSED.format(name, "false"), _PRESSED.format(name, "true"))
    return html


def _item(parts: Iterable) -> str:
    return " ".join(str(part) for part in parts)


def personal_page(
    request: HttpRequest,
    key: str,
    view: Callable[[], HttpResponse],
    given: Callable[[], Iterable[Iterable]],
    seconds: int = VERSIONED_SECONDS,
    *,
    long_tail: bool = False,
) -> HttpResponse:
    """The page under `key` made this visitor's (`personalise`, with `given()`), or
    `view()`: a page rendered with `shared_context()` for everyone who shares the key,
    kept under it when it is a plain 200 page (in the long-tail cache with
    `long_tail`), and answered made this visitor's (kept or not: a stand-in never
    reaches a browser)."""
    html = _get(key, seconds, long_tail)
    if html is not None:
        return HttpResponse(personalise(request, html, given()))
    response = view()
    if response.streaming:
        return response
    html = response.content.decode(response.charset)
    if _shareable(request, response):
        _keep(key, html, seconds, long_tail)
    response.content = personalise(request, html, given())
    return response


# ---- Pages shared by anonymous readers and by members -------------------------------

#: The two audiences a page is shared by (`audience`).
ANONYMOUS = "anonymous"
MEMBERS = "members"


def shares_as_member(request: HttpRequest, is_member: Callable[[Any], bool]) -> bool:
    """Whether the request may get a page shared by members (`personal_page`): a GET or
    HEAD by a member (`is_member(user)`, the book's rule) who is not staff (they see
    what members do not), with no messages waiting (those show on the page)."""
    if request.method not in ("GET", "HEAD") or CookieStorage.cookie_name in request.COOKIES:
        return False
    user = request.user
    if not user.is_authenticated or user.is_staff or not is_member(user):
        return False
    return not len(get_messages(request))


def audience(request: HttpRequest, is_member: Callable[[Any], bool]) -> str | None:
    """Who the request shares a page with: ANONYMOUS (`sessionless_anonymous`), MEMBERS
    (`shares_as_member`), or None: the page is rendered for this visitor alone."""
    if sessionless_anonymous(request):
        return ANONYMOUS
    if shares_as_member(request, is_member):
        return MEMBERS
    return None


def page_query(
    request: HttpRequest, *, pages: Iterable[str] = (), filters: Iterable[str] = ()
) -> str | None:
    """The query string of a list's address when its page may be stored: every
    parameter once, each a page number of `pages` (written as core.paging reads it,
    at most KEPT_PAGES) or a filter of `filters`. None for any other address: a deep
    page (crawlers walk them all), a parameter the page does not read (each would be a
    copy of the same page), a number written another way; the view renders those
    each time. A query string that is not empty goes to the long-tail cache
    (`shared_page`)."""
    query = request.GET
    for name in query:
        values = query.getlist(name)
        if len(values) != 1:
            return None
        if name in pages:
            number = values[0]
            if str(page_number(number)) != number or not kept_page(int(number)):
                return None
        elif name not in filters:
            return None
    return request.META.get("QUERY_STRING", "")


def shared_page(
    request: HttpRequest,
    shared_by: str | None,
    page_key: str | None,
    view: Callable[[bool], HttpResponse],
    given: Callable[[], Iterable[Iterable]] = tuple,
    *,
    long_tail: bool = False,
) -> HttpResponse:
    """A page shared by its audience (`shared_by`, from `audience`) under `page_key`:
    anonymous readers get it whole (`cached_page`), members with their own parts filled
    in (`personal_page`, `given` the buttons they pressed). `view(shared)` renders it:
    with `shared_context()` when `shared`. `page_key` or `shared_by` None: `view(False)`,
    not stored. The same address answers members and anonymous readers differently,
    so the answer varies by cookie."""
    if page_key is None or shared_by is None:
        response = view(False)
    elif shared_by == ANONYMOUS:
        response = cached_page(
            request, key(page_key, ANONYMOUS), lambda: view(False), long_tail=long_tail
        )
    else:
        response = personal_page(
            request, key(page_key, MEMBERS), lambda: view(True), given, long_tail=long_tail
        )
    patch_vary_headers(response, ["Cookie"])
    return response
