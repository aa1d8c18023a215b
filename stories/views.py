"""Pages for reading learning stories: a story, "Nieuwste verhalen", "Mijn verhalen" and
the search. Who may see a story is Story.objects.visible_to; these views parse, read and
render. What many readers share is cached and then made each one's own
(stories.fragments). Writing, reacting, replying and reporting are in
stories.writing_views; following chapters and e-mail settings in
stories.following_views; the curators' pages in stories.moderation_views.

A story the visitor may not see is a 404."""

from dataclasses import dataclass
from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from book.models import Book, Chapter, audience_readable_q, user_is_member
from core import cache
from core.markdown import plain_text
from core.paging import counted_page, uncounted_page
from members.models import Membership

from . import search as search_module
from .forms import ReplyForm, SearchForm, StoryFilterForm
from .fragments import STORIES_PER_PAGE
from .models import Story
from .shared import (
    ChaptersState,
    StoryState,
    chapters_state,
    given_reactions,
    story_state,
    wrote_public_story_under,
)

SEARCH_PER_PAGE = 20


# ---- Reading ------------------------------------------------------------------------


def _story_page(request, story, membership, reply_form) -> dict:
    """Curators see hidden replies (marked); their authors see their own."""
    replies = story.replies.for_display()
    if not request.user.is_staff:
        shown = Q(is_hidden=False)
        if membership is not None:
            shown |= Q(author=membership)
        replies = replies.filter(shown)
    return {
        "title": story.title,
        "description": plain_text(story.body_html),
        "story": story,
        "replies": replies,
        "membership": membership,
        "is_author": story.is_by(request.user),
        "may_edit": story.may_edit(request.user),
        "reply_form": reply_form,
    }


@dataclass(frozen=True)
class _SharedStory:
    """A public story's page as everyone but its author, curators and who replied
    beneath it sees it: the content (HTML), what the page's head shows, and the
    memberships that wrote a reply beneath the story (hidden ones too), who see their own
    replies differently."""

    html: str
    title: str
    description: str
    slug: str
    url: str
    repliers: frozenset


def _shared_story(pk, state: StoryState, *, forms: bool) -> _SharedStory:
    """The shared page of public story `pk`: with the reaction and reply forms (`forms`:
    members, who fill in their CSRF token and reactions afterwards,
    core.cache.personalise) or with the counts and the login link (anonymous readers).
    Cached per story, the version of what it shows (`state`: the story, its chapter and
    the chapter's stories_version), forms or not and language."""

    def render_shared() -> _SharedStory:
        story = get_object_or_404(Story.objects.published().for_display(), pk=pk)
        replies = list(story.replies.for_display())
        html = render_to_string(
            "stories/_story.html",
            {
                "story": story,
                "replies": [reply for reply in replies if not reply.is_hidden],
                "membership": forms,
                "is_author": False,
                "reply_form": ReplyForm() if forms else None,
                "user": AnonymousUser(),  # who gets the counts: the login link
                "next_url": story.get_absolute_url(),
                **cache.shared_context(),
            },
        )
        return _SharedStory(
            html=html,
            title=story.title,
            description=plain_text(story.body_html),
            slug=story.slug,
            url=story.get_absolute_url(),
            repliers=frozenset(reply.author_id for reply in replies if reply.author_id),
        )

    return cache.fetch(
        cache.html_key("stories:story", pk, state.version, "forms" if forms else "counts"),
        render_shared,
    )


def _anonymous_story_page_key(request, state: StoryState | None) -> str | None:
    """The cache key of this story page as every anonymous reader sees it (whole), or
    None when the request may not share one (core.cache.sessionless_anonymous) or the
    story is not open to everyone. A query string goes to the view."""
    if request.META.get("QUERY_STRING") or not cache.sessionless_anonymous(request):
        return None
    if state is None or not state.public_to(members=False):
        return None  # the view answers (404)
    return cache.html_key("stories:story-page", request.path, state.version)


@require_safe
def story_detail(request, pk, slug):
    state = story_state(pk)
    key = _anonymous_story_page_key(request, state)
    return cache.cached_page(request, key, lambda: _story_detail(request, pk, slug, state))


def _story_detail(request, pk, slug, state: StoryState | None):
    """Anonymous readers and members get the page shared with all of them (_shared_story)
    when they may read the story. A query string, curators, readers without a copy, the
    story's author and members who replied beneath it get it rendered for them alone."""
    user = request.user
    membership = None
    if user.is_authenticated and not user.is_staff and user_is_member(user):
        membership = user.membership  # on the user already: user_is_member, the header
    shares = (
        not request.META.get("QUERY_STRING")
        and state is not None
        and (not user.is_authenticated or membership is not None)
        # As Story.objects.visible_to has it, but for their own stories.
        and state.public_to(members=membership is not None)
        and (membership is None or state.author_id != membership.pk)
        # A co-author sees their own page (its edit button), as the author does.
        and not (
            state.has_coauthors
            and membership is not None
            and Story.coauthors.through.objects.filter(story=pk, membership=membership).exists()
        )
    )
    if shares and state is not None:
        shared = _shared_story(pk, state, forms=membership is not None)
        if membership is None or membership.pk not in shared.repliers:
            if slug != shared.slug:
                return redirect(shared.url, permanent=True)
            html = shared.html
            if membership is not None:
                given = given_reactions(membership.pk, story_pks=[pk])
                html = cache.personalise(request, html, given)
            return render(
                request,
                "stories/story_detail.html",
                {
                    "title": shared.title,
                    "description": shared.description,
                    "story_html": mark_safe(html),
                },
            )
    story = get_object_or_404(Story.objects.visible_to(user).for_display(user), pk=pk)
    if slug != story.slug:
        return redirect(story, permanent=True)
    membership = Membership.objects.for_user(user)
    reply_form = ReplyForm() if membership and story.is_public else None
    return render(
        request, "stories/story_detail.html", _story_page(request, story, membership, reply_form)
    )


@require_safe
def story_redirect(request, pk):
    story = get_object_or_404(Story.objects.visible_to(request.user), pk=pk)
    return redirect(story, permanent=True)


def _anonymous_latest_key(request, chapters: ChaptersState) -> str | None:
    """The cache key of "Nieuwste verhalen" as every anonymous reader sees it (whole,
    with this query string), or None when the request may not share one."""
    if not cache.sessionless_anonymous(request):
        return None
    return _latest_key("stories:latest-page", request, chapters, "open")


def _latest_key(name: str, request, chapters: ChaptersState, shared_by: str) -> str:
    """What "Nieuwste verhalen" (and a search) shows depends on: every chapter's stories
    and state, which list (_latest_shared_by), the query string (filters, page; in the
    form and the links) and the language."""
    query = cache.digest(request.META.get("QUERY_STRING", ""))
    return cache.html_key(name, chapters.version, shared_by, query)


@require_safe
def story_latest(request):
    """Nieuwste verhalen: the newest published stories across the book, filterable by
    chapter, theme, municipality and (when profiles have one) the author's role."""
    chapters = chapters_state()
    key = _anonymous_latest_key(request, chapters)
    return cache.cached_page(
        request, key, lambda: _story_latest(request, chapters), long_tail=_long_tail(request)
    )


def _long_tail(request) -> bool:
    """Whether a list's page goes to the long-tail cache (core.cache): one with a query
    string (filters, a page number), which any address can make a new entry of."""
    return bool(request.META.get("QUERY_STRING"))


def _latest_shared_by(user, chapters: ChaptersState) -> str | None:
    """Which list of stories `user` sees on "Nieuwste verhalen", when they share it with
    others: "open" (readers without a copy, logged in or not: the stories under open
    chapters) or "members" (under every published chapter). None for curators, who see
    the stories under unpublished chapters too, and for a member who wrote a published
    story under one of those: they see it, others do not (Story.objects.visible_to)."""
    if not user.is_authenticated:
        return "open"
    if user.is_staff:
        return None
    if not user_is_member(user):
        return "open"
    if wrote_public_story_under(user.membership.pk, chapters.unpublished):
        return None
    return "members"


def _story_latest(request, chapters: ChaptersState):
    """The page's content is shared by everyone who sees the same list (_latest_shared_by)
    with the same query string: cached, with a member's CSRF token and reactions filled
    in afterwards. Curators get it rendered for them alone."""
    shared_by = _latest_shared_by(request.user, chapters)
    if shared_by is None:
        return render(request, "stories/story_latest.html", _latest_context(request))

    def render_shared() -> tuple[str, list[int]]:
        context = _latest_context(request, shared_by=shared_by)
        html = render_to_string("stories/_latest.html", context)
        return html, [story.pk for story in context["page"].object_list]

    key = _latest_key("stories:latest", request, chapters, shared_by)
    html, story_pks = cache.fetch(key, render_shared, long_tail=_long_tail(request))
    if shared_by == "members":
        membership = request.user.membership
        given = given_reactions(membership.pk, story_pks=story_pks)
        html = cache.personalise(request, html, given)
    return render(request, "stories/story_latest.html", {"content": mark_safe(html)})


def _latest_context(request, *, shared_by: str | None = None) -> dict:
    """The filters and a page of stories for "Nieuwste verhalen": for the visitor, or
    (`shared_by` "open" or "members") as everyone who sees those stories sees them."""
    user = request.user if shared_by is None else AnonymousUser()
    is_member = user_is_member(request.user) if shared_by is None else shared_by == "members"
    chapters = Chapter.objects.visible_to(user).filter(book=Book.objects.current())
    form = StoryFilterForm(request.GET or None, chapters=chapters)
    if shared_by is None:
        stories = Story.objects.visible_to(user)
    else:
        stories = Story.objects.filter(audience_readable_q(members=is_member, prefix="chapter__"))
    stories = stories.published()
    if form.is_bound and not form.is_valid() and form.non_field_errors():
        # An organisation that does not exist (ParticipantFilterForm): said, nothing shown.
        stories = stories.none()
    if form.is_valid():
        data = form.cleaned_data
        if data["organisatie"]:
            stories = stories.filter(organisation=data["organisatie"])
        if data["provincie"]:
            stories = stories.filter(organisation__province=data["provincie"])
        if data["hoofdstuk"]:
            stories = stories.filter(chapter=data["hoofdstuk"])
        if data["thema"]:
            stories = stories.filter(themes=data["thema"])
        if data["gemeente"]:
            stories = stories.filter(municipality__iexact=data["gemeente"].strip())
        if data["rol"]:
            stories = stories.filter(author__profile__role=data["rol"])
    page = uncounted_page(
        request.GET,
        lambda start, stop: stories.newest_page_for_display(start, stop, user),
        per_page=STORIES_PER_PAGE,
    )
    context = {"form": form, "page": page, "filtered": bool(request.GET)}
    if shared_by is None:
        return {**context, "membership": Membership.objects.for_user(user)}
    return {
        **context,
        "membership": is_member,
        "next_url": request.get_full_path(),
        **cache.shared_context(),
    }


#: Stories on a page of "Mijn verhalen".
MINE_PER_PAGE = 25


@login_required
@require_safe
def story_mine(request):
    """Mijn verhalen: every story of the member, in whatever state, newest first, a
    page at a time."""
    membership = Membership.objects.for_user(request.user)
    stories = (
        Story.objects.by(membership).for_display(request.user).order_by("-created_at", "-pk")
        if membership
        else Story.objects.none()
    )
    page = counted_page(request.GET, stories, per_page=MINE_PER_PAGE)
    return render(
        request,
        "stories/story_mine.html",
        {"membership": membership, "stories": page.object_list, "page": page},
    )


# ---- Search -------------------------------------------------------------------------


@require_safe
def search(request):
    """Zoeken: one box over the chapters and the stories the visitor may read. Anonymous
    readers asking the same question share the page (core.cache.cached_page), keyed as
    "Nieuwste verhalen" is: every chapter's text and stories, and the query string."""
    key = None
    if cache.sessionless_anonymous(request):
        key = _latest_key("stories:search-page", request, chapters_state(), "open")
    # A new question is a new entry: kept apart from the hot pages (core.cache).
    return cache.cached_page(request, key, lambda: _search(request), long_tail=True)


def _search(request):
    form = SearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    if form.is_bound:
        # Shown again as it was searched for: cut off, with its spaces tidied.
        shown = cast(QueryDict, form.data).copy()
        shown["q"] = query
        form.data = shown
    page = None
    if query and valid:
        results = search_module.search(query=query, user=request.user, **form.participant_filters())
        page = counted_page(request.GET, results, per_page=SEARCH_PER_PAGE)
        search_module.details_add(query, page.object_list)
    return render(
        request,
        "stories/search.html",
        {"form": form, "query": query, "page": page},
    )
