"""An organisation's page, cached and shared by the readers who see the same page
(core.cache.shared_page), as the chapter pages are (community.pages).

Anonymous readers share it whole. Members share it with stand-ins for what is theirs
(their CSRF token, the reactions they gave), unless they coordinate the organisation
(the page links them to its management) or wrote a published story under a chapter
that is not published (Story.objects.visible_to shows it to them alone). Staff and
accounts without a copy get theirs rendered. The stories' and members' pages up to
core.cache.KEPT_PAGES are stored, in the long-tail cache; other query strings are
rendered.

The key is made of what the page shows, read in one query per request (`_versions`;
for anonymous readers at most once a second per worker, core.cache.recent_versions):
the organisation's `version` (an edit, a member joining or leaving:
organisations.services.organisations_changed), the chapters' `stories_version` and
`updated_at` (any story published, hidden or edited, an author's name:
book.services.chapter_stories_changed), the upcoming meetings it hosts, and for members
the latest change to the profiles on its wall of members."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial, reduce
from operator import or_

from django.db.models import Exists, Func, OuterRef, Q
from django.http import HttpResponse

from book.models import user_is_member
from core import cache
from core.paging import PAGE_PARAM
from core.prepared import Prepared
from meetings.shared import chapters_version, upcoming_meetings
from members.models import Profile
from organisations.models import Affiliation, Coordinator, Organisation
from stories.models import PUBLIC_STATUSES, Reaction, Story, StoryQuerySet

#: The page parameter of the wall of members (the stories' is core.paging.PAGE_PARAM).
MEMBERS_PAGE_PARAM = "leden"


@dataclass(frozen=True)
class OrganisationState:
    version: tuple
    #: Whether the page shows the visitor something of their own: they coordinate the
    #: organisation, or wrote a published story under a chapter not published.
    own: bool


def organisation_page(
    request, slug: str, render: Callable[[str | None, bool], HttpResponse]
) -> HttpResponse:
    """The page of the organisation `slug`, shared by its audience when it may be.
    `render(audience, shared)` renders it as every reader of `audience`
    (core.cache.ANONYMOUS, MEMBERS) sees it, or for the visitor alone (None); with
    stand-ins for what is the visitor's own when `shared`."""
    audience = cache.audience(request, user_is_member)
    state = None
    if audience == cache.ANONYMOUS:  # the same for every anonymous reader: read once a second
        state = cache.recent_versions(("organisation", slug), lambda: _state(slug, None))
    elif audience is not None:
        state = _state(slug, request.user.pk)
    if audience is None or state is None or state.own:
        return render(None, False)  # theirs alone, or no such organisation (404)
    query = cache.page_query(request, pages=(PAGE_PARAM, MEMBERS_PAGE_PARAM))
    if query is None:
        return render(audience, False)  # as the audience sees it, not stored
    key = cache.html_key("organisations:page:v1", request.path, *state.version, cache.digest(query))
    given: Callable[[], Iterable[Iterable]] = tuple
    if audience == cache.MEMBERS:
        given = partial(
            _given.rows, member=request.user.membership.pk, organisation=state.version[0]
        )
    return cache.shared_page(
        request,
        audience,
        key,
        lambda shared: render(audience, shared),
        given,
        long_tail=bool(query),
    )


def _state(slug: str, user_pk: int | None) -> OrganisationState | None:
    row = _versions.first(slug=slug, user=user_pk or 0)
    if row is None:
        return None
    *version, own = row
    return OrganisationState(version=tuple(version), own=bool(own))


def _public_unpublished():
    """Published stories under a chapter that is not published (visible to their
    authors alone)."""
    return Story.objects.filter(status__in=PUBLIC_STATUSES, chapter__is_published=False)


#: What an organisation's page depends on (the module's docstring), and whether it is
#: the visitor's own (`user`: their id, 0 for none).
_versions = Prepared(
    lambda slug, user: (
        Organisation.objects.filter(slug=slug)
        .annotate(
            chapters_stories=chapters_version()[0],
            chapters_updated=chapters_version()[1],
            upcoming=upcoming_meetings(host_organisation__slug=slug),
            profiles_updated=Profile.objects.filter(
                membership__affiliations__organisation=OuterRef("pk"),
                membership__affiliations__public=True,
            )
            .order_by()
            .annotate(t=Func("updated_at", function="MAX"))
            .values("t"),
            own=Exists(
                Coordinator.objects.filter(organisation=OuterRef("pk"), membership__user=user)
            )
            | Exists(_public_unpublished().filter(author__user=user))
            | Exists(_public_unpublished().filter(coauthors__user=user)),
        )
        .values_list(
            "pk",
            "version",
            "chapters_stories",
            "chapters_updated",
            "upcoming",
            "profiles_updated",
            "own",
        )
    )
)


def story_sources(organisation: Organisation | int, *, prefix: str = "") -> list[Q]:
    """The stories on an organisation's page, as far as the reader may see them
    (Story.objects.visible_to, published ones only): those that name it, and those of
    its members who show that they belong to it. `prefix` "story__" for rows that
    point at a story."""
    return [
        Q(**{f"{prefix}organisation": organisation}),
        Q(**{f"{prefix}author__in": _members_shown(organisation)}),
    ]


def _members_shown(organisation: Organisation | int):
    """The memberships that show that they belong to `organisation`."""
    return Affiliation.objects.public().filter(organisation=organisation).values("membership")


def story_parts(stories: StoryQuerySet, organisation: Organisation) -> list[StoryQuerySet]:
    """`story_sources` of `stories`, each read newest first on an index of its own
    (StoryQuerySet.newest_page_for_display): the stories that name it on
    (organisation, status, published_at), a status at a time, so none is sorted; those
    of its members on (author, status, published_at), sorted (a status at a time,
    SQLite would read every story of that status newest first to find them). Its
    members are read first and given as a list: asked as a subquery, PostgreSQL walked
    the newest stories of the whole book to find theirs (10,543 rows for a page of 11,
    0.45 s when they were not in its memory; 9 ms on the author index)."""
    naming, _by_members = story_sources(organisation)
    members = [row["membership"] for row in _members_shown(organisation)]
    return [
        *(stories.filter(naming, status=status) for status in PUBLIC_STATUSES),
        stories.filter(author__in=members, status__in=PUBLIC_STATUSES),
    ]


#: The reactions a member gave to the stories the page may show (`story_sources`): a
#: member's reactions are few, and those to stories not on the page match no stand-in
#: (core.cache.personalise).
_given = Prepared(
    lambda member, organisation: (
        Reaction.objects.filter(member_id=member)
        .filter(reduce(or_, story_sources(organisation, prefix="story__")))
        .values_list("story_id", "kind")
    )
)
