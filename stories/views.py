"""Pages for learning stories. Who may see a story is Story.objects.visible_to; who may
change it is decided in stories.services; these views parse, call and render.

Refusals: a story or reply the visitor may not see is a 404; one they may see but is
not theirs to change is a 403; a visitor who is not logged in goes to the login page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from book.models import Book, Chapter, audience_readable_q, user_is_member
from core.http import post_only
from core.markdown import render_markdown
from core.page_cache import cached_page, digest, sessionless_anonymous
from members.models import Membership

from . import notifications, services
from . import search as search_module
from .forms import (
    NotificationSettingsForm,
    ReplyForm,
    ReportForm,
    SearchForm,
    StoryFilterForm,
    StoryForm,
)
from .models import ChapterFollow, NotificationKind, ReactionKind, Reply, Status, Story
from .shared import (
    ChaptersState,
    StoryState,
    chapters_state,
    given_reactions,
    story_state,
    wrote_public_story_under,
)

STORIES_PER_PAGE = 20
CHAPTER_PAGE_PARAM = "verhalen"
PAGE_PARAM = "pagina"
SEARCH_PER_PAGE = 20


# ---- Helpers ------------------------------------------------------------------------


def _membership_or_403(request) -> Membership:
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        raise PermissionDenied(_("Alleen leden kunnen verhalen schrijven en reageren."))
    return membership


class _Page:
    """One page of stories, `?<param>=<number>` in `query` (the request's GET), shown
    `for_display` to `user` (`newest`: the newest published first). It reads one row more than it shows to
    know whether a next page exists, instead of counting every story: a page costs the
    same queries whether a chapter has ten stories or two hundred."""

    def __init__(self, query, queryset, param: str, *, user=None, newest: bool = False):
        try:
            self.number = max(1, int(query.get(param, 1)))
        except ValueError:
            self.number = 1
        start = (self.number - 1) * STORIES_PER_PAGE
        page = queryset.newest_page_for_display if newest else queryset.page_for_display
        rows = list(page(start, start + STORIES_PER_PAGE + 1, user))
        self.object_list = rows[:STORIES_PER_PAGE]
        self.has_previous = self.number > 1
        self.has_next = len(rows) > STORIES_PER_PAGE
        self.has_other_pages = self.has_previous or self.has_next
        query = query.copy()

        def url(number):
            query[param] = number
            return f"?{query.urlencode()}"

        self.previous_url = url(self.number - 1) if self.has_previous else ""
        self.next_url = url(self.number + 1) if self.has_next else ""


def _own_story_or_error(request, pk) -> Story:
    """The story, if the visitor may see it (404 otherwise) and wrote it (403)."""
    story = get_object_or_404(
        Story.objects.visible_to(request.user).select_related("chapter", "author"), pk=pk
    )
    if not story.is_by(request.user):
        raise PermissionDenied
    return story


def _own_reply_or_error(request, pk) -> Reply:
    reply = get_object_or_404(
        Reply.objects.select_related("story", "author").filter(
            story__in=Story.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not reply.is_by(request.user):
        raise PermissionDenied
    return reply


def _visible_public_story(request, pk) -> Story:
    return get_object_or_404(
        Story.objects.visible_to(request.user).published().select_related("chapter", "author"),
        pk=pk,
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


# ---- Beneath a chapter --------------------------------------------------------------


#: Stand-ins in the shared, cached story list for what belongs to one visitor: their
#: CSRF token, and the reactions they gave (`data-given` marks each button).
CSRF_STAND_IN = "csrf-token-of-the-visitor"
GIVEN_FALSE = 'data-given="{pk} {kind}" aria-pressed="false"'
GIVEN_TRUE = 'data-given="{pk} {kind}" aria-pressed="true"'
#: How long a cached story list may live at most. Every change to what it shows raises
#: the chapter's `stories_version` and so takes a new key at once; this only bounds
#: how long a change made outside the services (a theme renamed in the admin) waits.
CHAPTER_STORIES_SECONDS = 600


def _chapter_story_list(request, *, chapter, has_membership: bool, personal: bool = True) -> str:
    """The cards and the pager beneath a chapter, as HTML. The same for every visitor
    who sees the same page of the same chapter in the same language, either with the
    reaction forms (members) or with the counts only (everyone else); so it is cached
    per (chapter, its stories_version, page, forms or not, language), and what belongs
    to one visitor is filled in afterwards: their CSRF token in the forms and which
    reactions they gave. Links keep only the page parameter, so no visitor's query
    string ends up in another visitor's page. `personal=False` leaves the stand-ins in
    (for a page cached whole, see book.pages)."""
    try:
        number = max(1, int(request.GET.get(CHAPTER_PAGE_PARAM, 1)))
    except ValueError:
        number = 1
    key = ":".join(
        (
            "stories:chapter-list:v2",
            str(chapter.pk),
            str(chapter.stories_version),
            str(chapter.updated_at.timestamp()),
            str(number),
            "forms" if has_membership else "counts",
            get_language() or "",
        )
    )
    cached = cache.get(key)
    if cached is None:
        # Who may read this chapter sees all its public stories: the list is the same
        # for all of them (Story.objects.visible_to, under a chapter they may read).
        stories = Story.objects.published().filter(chapter=chapter).in_reading_order()
        query = QueryDict(mutable=True)
        query[CHAPTER_PAGE_PARAM] = number
        page = _Page(query, stories, CHAPTER_PAGE_PARAM)
        html = render_to_string(
            "stories/_chapter_story_list.html",
            {
                "page": page,
                "membership": has_membership,
                "shared": True,
                "csrf_token": CSRF_STAND_IN,
                "next_url": f"{chapter.get_absolute_url()}?{query.urlencode()}",
            },
        )
        cache.set(key, html, CHAPTER_STORIES_SECONDS)
        cached = html
    if personal and has_membership:
        given = given_reactions(request.user.membership.pk, chapter_pk=chapter.pk)
        cached = personalise(request, cached, given)
    # Rendered by the template engine (escaped there); only our own stand-ins replaced.
    return mark_safe(cached)


def personalise(request, html: str, given) -> str:
    """Fill a member's own parts into HTML shared by every member: their CSRF token in
    each form, and the reactions they gave (`given`: (story pk, kind), from
    stories.shared.given_reactions) marked on the stories' buttons."""
    html = html.replace(f'value="{CSRF_STAND_IN}"', f'value="{get_token(request)}"')
    for pk, kind in given:
        html = html.replace(
            GIVEN_FALSE.format(pk=pk, kind=kind), GIVEN_TRUE.format(pk=pk, kind=kind)
        )
    return html


def chapter_stories(
    request, *, chapter, can_read: bool, is_member: bool, personal: bool = True, following=None
) -> dict:
    """What templates/stories/chapter_stories.html needs beneath a chapter: nothing but
    `can_read` for a reader who may not read the chapter; otherwise a page of its
    stories (featured first, then newest) and whether the reader can add one. The same
    number of queries whether the chapter has ten stories or two hundred, and none for
    the stories themselves when the page is in the cache (_chapter_story_list).
    `personal=False`: the list keeps its stand-ins, filled in by the caller
    (`personalise`); `following`: whether the member follows the
    chapter, when the caller knows already."""
    if not can_read:
        return {"can_read": False}
    # Everyone but staff is a member exactly when they hold a membership, which the
    # caller has checked already; only staff need asking whether they hold one too.
    has_membership = is_member
    if request.user.is_authenticated and request.user.is_staff:
        has_membership = Membership.objects.filter(user=request.user).exists()
    can_follow = has_membership and chapter.is_published
    return {
        "can_read": True,
        "list_html": _chapter_story_list(
            request, chapter=chapter, has_membership=has_membership, personal=personal
        ),
        "membership": has_membership,
        "can_write": has_membership and chapter.is_published,
        "can_follow": can_follow,
        "following": can_follow
        and (
            following
            if following is not None
            else ChapterFollow.objects.filter(
                membership__user=request.user, chapter=chapter
            ).exists()
        ),
    }


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
        "description": Truncator(story.body).chars(200),
        "story": story,
        "replies": replies,
        "membership": membership,
        "is_author": story.is_by(request.user),
        "reply_form": reply_form,
    }


#: How long a shared story page, or the shared content of a story page or "Nieuwste
#: verhalen", may live at most. Every change to what it shows takes a new key at once
#: (stories.shared); this only bounds how long a change made outside the services
#: waits, as CHAPTER_STORIES_SECONDS does.
STORY_PAGE_SECONDS = 600


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
    members, who fill in their CSRF token and reactions afterwards, personalise) or
    with the counts and the login link (anonymous readers). Cached per story, the
    version of what it shows (`state`: the story, its chapter and the chapter's
    stories_version), forms or not and language."""
    key = ":".join(
        (
            "stories:story",
            str(pk),
            state.version,
            "forms" if forms else "counts",
            get_language() or "",
        )
    )
    shared = cache.get(key)
    if shared is None:
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
                "shared": True,
                "csrf_token": CSRF_STAND_IN,
                "next_url": story.get_absolute_url(),
            },
        )
        shared = _SharedStory(
            html=html,
            title=story.title,
            description=Truncator(story.body).chars(200),
            slug=story.slug,
            url=story.get_absolute_url(),
            repliers=frozenset(reply.author_id for reply in replies if reply.author_id),
        )
        cache.set(key, shared, STORY_PAGE_SECONDS)
    return shared


def _anonymous_story_page_key(request, state: StoryState | None) -> str | None:
    """The cache key of this story page as every anonymous reader sees it (whole), or
    None when the request may not share one (core.page_cache) or the story is not
    open to everyone. A query string goes to the view."""
    if request.META.get("QUERY_STRING") or not sessionless_anonymous(request):
        return None
    if state is None or not state.public_to(members=False):
        return None  # the view answers (404)
    return ":".join(("stories:story-page", request.path, state.version, get_language() or ""))


@require_safe
def story_detail(request, pk, slug):
    state = story_state(pk)
    return cached_page(
        request,
        _anonymous_story_page_key(request, state),
        lambda: _story_detail(request, pk, slug, state),
        STORY_PAGE_SECONDS,
    )


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
    )
    if shares:
        shared = _shared_story(pk, state, forms=membership is not None)
        if membership is None or membership.pk not in shared.repliers:
            if slug != shared.slug:
                return redirect(shared.url, permanent=True)
            html = shared.html
            if membership is not None:
                given = given_reactions(membership.pk, story_pks=[pk])
                html = personalise(request, html, given)
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
    if not sessionless_anonymous(request):
        return None
    return ":".join(("stories:latest-page", *_latest_key_parts(request, chapters, "open")))


def _latest_key_parts(request, chapters: ChaptersState, shared_by: str) -> tuple:
    """What "Nieuwste verhalen" (and a search) shows depends on: every chapter's stories
    and state, which list (_latest_shared_by), the query string (filters, page; in the
    form and the links) and the language."""
    query = digest(request.META.get("QUERY_STRING", ""))
    return (chapters.version, shared_by, query, get_language() or "")


@require_safe
def story_latest(request):
    """Nieuwste verhalen: the newest published stories across the book, filterable by
    chapter, theme, municipality and (when profiles have one) the author's role."""
    chapters = chapters_state()
    return cached_page(
        request,
        _anonymous_latest_key(request, chapters),
        lambda: _story_latest(request, chapters),
        STORY_PAGE_SECONDS,
    )


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
    key = ":".join(("stories:latest", *_latest_key_parts(request, chapters, shared_by)))
    cached = cache.get(key)
    if cached is None:
        context = _latest_context(request, shared_by=shared_by)
        html = render_to_string("stories/_latest.html", context)
        cached = (html, [story.pk for story in context["page"].object_list])
        cache.set(key, cached, STORY_PAGE_SECONDS)
    html, story_pks = cached
    if shared_by == "members":
        membership = request.user.membership
        given = given_reactions(membership.pk, story_pks=story_pks)
        html = personalise(request, html, given)
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
    if form.is_valid():
        data = form.cleaned_data
        if data["hoofdstuk"]:
            stories = stories.filter(chapter=data["hoofdstuk"])
        if data["thema"]:
            stories = stories.filter(themes=data["thema"])
        if data["gemeente"]:
            stories = stories.filter(municipality__iexact=data["gemeente"].strip())
        if data["rol"]:
            stories = stories.filter(author__profile__role=data["rol"])
    page = _Page(request.GET, stories, PAGE_PARAM, user=user, newest=True)
    context = {"form": form, "page": page, "filtered": bool(request.GET)}
    if shared_by is None:
        return {**context, "membership": Membership.objects.for_user(user)}
    return {
        **context,
        "membership": is_member,
        "shared": True,
        "csrf_token": CSRF_STAND_IN,
        "next_url": request.get_full_path(),
    }


@login_required
@require_safe
def story_mine(request):
    """Mijn verhalen: every story of the member, in whatever state, newest first."""
    membership = Membership.objects.for_user(request.user)
    stories = (
        Story.objects.by(membership).for_display(request.user).order_by("-created_at", "-pk")
        if membership
        else Story.objects.none()
    )
    return render(
        request, "stories/story_mine.html", {"membership": membership, "stories": stories}
    )


# ---- Writing ------------------------------------------------------------------------


def _form_page(request, template, context, status=200):
    form = context["form"]
    preview = None
    if request.method == "POST" and request.POST.get("action") == "preview":
        # The preview goes through the same sanitising renderer as the saved story.
        preview = render_markdown(form.data.get("body", "")).html
    return render(request, template, {**context, "preview": preview}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def story_create(request, chapter_slug):
    membership = _membership_or_403(request)
    chapter = get_object_or_404(
        Chapter.objects.published().filter(book=Book.objects.current()), slug=chapter_slug
    )
    initial = {"municipality": services.profile_municipality(membership)}
    form = StoryForm(request.POST or None, request.FILES or None, initial=initial)
    context = {"form": form, "chapter": chapter}
    template = "stories/story_form.html"
    action = request.POST.get("action")
    if request.method == "POST" and action != "preview" and form.is_valid():
        data = form.cleaned_data
        try:
            story = services.story_submit(
                author=membership,
                chapter=chapter,
                title=data["title"],
                body=data["body"],
                draft=action == "draft",
                submission_key=data["submission_key"],
                themes=data.get("themes") or (),
                municipality=data["municipality"],
                photo=data["photo"] or None,
                photo_alt=data["photo_alt"],
            )
        except services.RateLimited as refusal:
            form.add_error(None, refusal.message)
            return _form_page(request, template, context, status=429)
        messages.success(request, _status_message(story))
        return redirect(story)
    return _form_page(request, template, context)


def _status_message(story: Story):
    if story.status == Status.DRAFT:
        return _("Je concept is bewaard. Alleen jij kunt het zien.")
    if story.status == Status.PENDING:
        return _(
            "Dank je wel! Je verhaal is ontvangen. Een curator leest het en zet het dan in "
            "het boek; op “Mijn verhalen” zie je wanneer dat gebeurd is."
        )
    return _("Dank je wel! Je verhaal staat nu in het boek.")


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request, pk):
    story = _own_story_or_error(request, pk)
    if story.status == Status.HIDDEN:
        raise PermissionDenied(_("Dit verhaal is verborgen door een curator."))
    initial = {
        "title": story.title,
        "body": story.body,
        "themes": list(story.themes.all()),
        "municipality": story.municipality,
        "photo": story.photo or None,
        "photo_alt": story.photo_alt,
        "submission_key": story.submission_key,
    }
    form = StoryForm(
        request.POST or None, request.FILES or None, initial=initial, has_photo=bool(story.photo)
    )
    context = {"form": form, "chapter": story.chapter, "story": story}
    template = "stories/story_form.html"
    action = request.POST.get("action")
    if request.method == "POST" and action != "preview" and form.is_valid():
        data = form.cleaned_data
        photo = data["photo"]
        try:
            story = services.story_update(
                story=story,
                editor=request.user,
                title=data["title"],
                body=data["body"],
                submit=action == "submit",
                themes=data["themes"] if "themes" in data else None,
                municipality=data["municipality"],
                photo=photo if photo and not hasattr(photo, "url") else None,
                remove_photo=photo is False,
                photo_alt=data["photo_alt"],
            )
        except services.NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from None
        messages.success(request, _("Je verhaal is bijgewerkt."))
        return redirect(story)
    return _form_page(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def story_delete(request, pk):
    story = _own_story_or_error(request, pk)
    if request.method == "POST":
        services.story_delete(story=story, member=request.user)
        messages.success(request, _("Je verhaal is verwijderd."))
        return redirect("stories:mine")
    return render(request, "stories/story_confirm_delete.html", {"story": story})


# ---- Reactions ----------------------------------------------------------------------


@post_only("stories:redirect", label=_("Naar het verhaal"))
@login_required
def reaction_toggle(request, pk):
    """Without JavaScript: the form posts here and comes back to the story. With it
    (header X-Requested-With: fetch): the new counts as JSON, for reactions.js."""
    membership = _membership_or_403(request)
    story = _visible_public_story(request, pk)
    kind = request.POST.get("kind")
    if kind not in ReactionKind.values:
        if _wants_json(request):
            return JsonResponse({"error": "unknown reaction"}, status=400)
        raise Http404("Unknown reaction")
    given = services.reaction_toggle(story=story, member=membership, kind=kind)
    if _wants_json(request):
        counts = services.reaction_counts(story=story)
        label = ReactionKind(kind).label
        message = (
            _("Je gaf “%(label)s”. Nu %(count)d.")
            if given
            else _("Je nam “%(label)s” terug. Nu %(count)d.")
        ) % {"label": label, "count": counts[kind]}
        return JsonResponse({"kind": kind, "given": given, "counts": counts, "message": message})
    target = _safe_next(request, story.get_absolute_url()).split("#")[0]
    return redirect(f"{target}#{story.anchor}")


# ---- Replies ------------------------------------------------------------------------


@post_only(
    "stories:redirect",
    label=_("Naar het verhaal"),
    anchor="reacties",
    keep={"body": _("Je reactie")},
)
@login_required
def reply_create(request, pk):
    membership = _membership_or_403(request)
    story = get_object_or_404(
        Story.objects.visible_to(request.user).published().for_display(request.user), pk=pk
    )
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = services.reply_create(
                story=story, author=membership, body=form.cleaned_data["body"]
            )
        except services.RateLimited as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(reply.get_absolute_url())
    return render(
        request,
        "stories/story_detail.html",
        _story_page(request, story, membership, form),
        status=429 if form.non_field_errors() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply_edit(request, pk):
    reply = _own_reply_or_error(request, pk)
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.reply_update(
                reply=reply, editor=request.user, body=form.cleaned_data["body"]
            )
        except services.NotAllowed:
            raise PermissionDenied from None
        return redirect(reply.get_absolute_url())
    return render(request, "stories/reply_form.html", {"form": form, "reply": reply})


@login_required
@require_http_methods(["GET", "POST"])
def reply_delete(request, pk):
    reply = _own_reply_or_error(request, pk)
    if request.method == "POST":
        services.reply_delete(reply=reply, member=request.user)
        messages.success(request, _("Je reactie is verwijderd."))
        return redirect(reply.story)
    return render(request, "stories/reply_confirm_delete.html", {"reply": reply})


# ---- Reports ------------------------------------------------------------------------


def _report(request, *, story=None, reply=None):
    membership = _membership_or_403(request)
    target = story or reply
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=membership, story=story, reply=reply, reason=form.cleaned_data["reason"]
            )
        except services.StoryError as refusal:
            messages.info(request, refusal.message)
        else:
            messages.success(request, _("Dank je wel voor je melding. Een curator kijkt ernaar."))
        story = story or reply.story
        visible = Story.objects.visible_to(request.user).filter(pk=story.pk).exists()
        return redirect(target.get_absolute_url() if visible else reverse("stories:latest"))
    return render(
        request, "stories/report_form.html", {"form": form, "story": story, "reply": reply}
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_report(request, pk):
    return _report(request, story=_visible_public_story(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def reply_report(request, pk):
    reply = get_object_or_404(
        Reply.objects.shown()
        .select_related("story", "author")
        .filter(story__in=Story.objects.visible_to(request.user).published()),
        pk=pk,
    )
    return _report(request, reply=reply)


# ---- E-mail settings and unsubscribing ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Meldingen: which story e-mails the member gets, and the chapters they follow."""
    membership = _membership_or_403(request)
    preferences = notifications.preferences_for(membership)
    form = NotificationSettingsForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(
            membership=membership, **form.cleaned_data, language=request.LANGUAGE_CODE
        )
        messages.success(request, _("Je e-mailvoorkeuren zijn bewaard."))
        return redirect("stories:notifications")
    follows = membership.chapter_follows.select_related("chapter").order_by("chapter__number")
    return render(
        request,
        "stories/notification_settings.html",
        {"form": form, "follows": follows, "membership": membership},
    )


def _unsubscribe_page(request, kind: str, token: str):
    try:
        membership = notifications.unsubscribe_membership(kind=kind, token=token)
    except notifications.BadToken:
        return render(request, "stories/unsubscribe_invalid.html", status=400)
    label = NotificationKind(kind).label
    if request.method == "POST":
        services.notification_unsubscribe(membership=membership, kind=kind)
        return render(request, "stories/unsubscribe_done.html", {"kind_label": label})
    return render(
        request, "stories/unsubscribe_confirm.html", {"kind_label": label, "membership": membership}
    )


# The one-click POST of RFC 8058 comes from a mail program, without a session or CSRF
# token: the signed token in the URL is what authorises it (a forged request would need
# a token only the recipient has), and all it can do is switch off one kind of e-mail.
# So the CSRF check is waived for that POST only; the confirmation page's own form, and
# any other POST here, go through the ordinary check (csrf_protect below).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, kind, token):
    """An e-mail's unsubscribe link: GET asks for confirmation (a link that is merely
    opened, by a person or a mail scanner, changes nothing); POST switches off that
    kind of e-mail. Tampered tokens, and tokens for another kind, get a 400 page."""
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        return _unsubscribe_page(request, kind, token)
    return csrf_protect(_unsubscribe_page)(request, kind, token)


# ---- Following chapters -------------------------------------------------------------


@post_only("chapter", label=_("Naar het hoofdstuk"), anchor="verhalen")
@login_required
def chapter_follow(request, slug):
    """Follow (action=follow) or stop following a chapter, then back to its stories."""
    membership = _membership_or_403(request)
    chapter = get_object_or_404(
        Chapter.objects.published().filter(book=Book.objects.current()), slug=slug
    )
    if request.POST.get("action") == "unfollow":
        services.chapter_unfollow(membership=membership, chapter=chapter)
        messages.success(request, _("Je volgt “%(title)s” niet meer.") % {"title": chapter.title})
    else:
        services.chapter_follow(membership=membership, chapter=chapter)
        messages.success(
            request,
            _(
                "Je volgt “%(title)s”. Nieuwe verhalen bij dit hoofdstuk krijg je in je "
                "dagelijkse overzicht per e-mail."
            )
            % {"title": chapter.title},
        )
    return redirect(_safe_next(request, f"{chapter.get_absolute_url()}#verhalen"))


# ---- Search -------------------------------------------------------------------------


@require_safe
def search(request):
    """Zoeken: one box over the chapters and the stories the visitor may read. Anonymous
    readers asking the same question share the page (core.page_cache), keyed as
    "Nieuwste verhalen" is: every chapter's text and stories, and the query string."""
    key = None
    if sessionless_anonymous(request):
        parts = _latest_key_parts(request, chapters_state(), "open")
        key = ":".join(("stories:search-page", *parts))
    return cached_page(request, key, lambda: _search(request), STORY_PAGE_SECONDS)


def _search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    # Shown again as it was searched for: cut off, with its spaces tidied.
    form = SearchForm(initial={"q": query})
    page = None
    if query:
        paginator = Paginator(search_module.search(query=query, user=request.user), SEARCH_PER_PAGE)
        page = paginator.get_page(request.GET.get(PAGE_PARAM))
        search_module.details_add(query, page.object_list)
        params = request.GET.copy()
        if page.has_previous():
            params[PAGE_PARAM] = page.previous_page_number()
            page.previous_url = f"?{params.urlencode()}"
        if page.has_next():
            params[PAGE_PARAM] = page.next_page_number()
            page.next_url = f"?{params.urlencode()}"
    return render(
        request,
        "stories/search.html",
        {"form": form, "query": query, "page": page},
    )
