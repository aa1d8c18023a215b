"""A chapter's suggestions page, cached and shared by the readers who see the same page
(core.cache.shared_page), as the chapter pages are (community.pages).

Anonymous readers share it whole, members with the stand-ins for what is theirs (their
CSRF token), unless a suggestion of theirs under the chapter waits for a curator or was
hidden (Suggestion.objects.visible_to shows it to them alone). Staff and accounts
without a copy get theirs rendered. The filters and the first core.cache.KEPT_PAGES
pages are stored, in the long-tail cache; other query strings are rendered.

The key is made of what the page shows, read in one query per request (`_versions`;
for anonymous readers at most once a second per worker, core.cache.recent_versions):
the chapter's `updated_at` (its title, number and sections: the breadcrumb and the
filter's choices) and `stories_version` (raised by every suggestions service that
changes a card: a suggestion published, hidden, answered or taken back, an author's
name or leaving; suggestions.services, suggestions.privacy), and the responses under
its suggestions, counted with the newest one's id: the cards' counts (a response is
given or, when its author leaves, deleted; never changed)."""

from collections.abc import Callable

from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.http import HttpResponse

from book.models import Access, Chapter, user_is_member
from core import cache
from core.paging import PAGE_PARAM
from core.prepared import Prepared
from stories.models import Status

from .forms import FilterForm
from .models import Response, Suggestion

#: The filters the page reads.
FILTERS = tuple(FilterForm.base_fields)


def chapter_suggestions_page(
    request, slug: str, render: Callable[[bool], HttpResponse]
) -> HttpResponse:
    """The suggestions page of the chapter `slug`, shared by its audience when it may
    be. `render(shared)` renders it for the visitor: with core.cache.shared_context()
    when `shared` (every visitor of their audience then sees the same page)."""
    audience = cache.audience(request, user_is_member)
    if audience is None:
        return render(False)
    if audience == cache.ANONYMOUS:  # the same for every anonymous reader: read once a second
        row = cache.recent_versions(
            ("suggestions", slug), lambda: _versions.first(slug=slug, user=0)
        )
    else:
        row = _versions.first(slug=slug, user=request.user.pk)
    if row is None:
        return render(False)  # no such published chapter: the view answers (404)
    access, *version, own = row
    if own or (audience == cache.ANONYMOUS and access != Access.OPEN):
        return render(False)  # theirs alone, or a chapter for members (the view answers)
    query = cache.page_query(request, pages=(PAGE_PARAM,), filters=FILTERS)
    if query is None:
        return render(False)
    key = cache.html_key("suggestions:chapter:v1", slug, *version, cache.digest(query))
    return cache.shared_page(request, audience, key, render, long_tail=bool(query))


def _responses(**aggregate):
    """A subquery over the responses to the chapter's suggestions: `aggregate` of them."""
    return Subquery(
        Response.objects.filter(suggestion__chapter=OuterRef("pk"))
        .order_by()
        .values("suggestion__chapter")
        .annotate(**aggregate)
        .values(*aggregate)
    )


#: The page's versions (the module's docstring) and whether the visitor (`user`: their
#: id, 0 for none) has a suggestion under the chapter that others do not see.
_versions = Prepared(
    lambda slug, user: (
        Chapter.objects.filter(slug=slug, is_published=True)
        .annotate(
            responses=_responses(n=Count("pk")),
            newest_response=_responses(newest=Max("pk")),
            own=Exists(
                Suggestion.objects.filter(chapter=OuterRef("pk"), author__user=user).exclude(
                    moderation=Status.PUBLISHED
                )
            ),
        )
        .values_list(
            "access", "pk", "updated_at", "stories_version", "responses", "newest_response", "own"
        )
    )
)
