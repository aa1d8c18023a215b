"""The stories beneath a chapter, as the chapter page (community.views) shows them, and
how HTML shared by many visitors is made one visitor's own.

A page of stories is the same for everyone who sees it, so it is rendered once with
stand-ins for what belongs to one visitor: their CSRF token in every form
(CSRF_STAND_IN) and the reactions they gave (`data-given` on each button);
`personalise` fills those in for the visitor. The story pages and "Nieuwste verhalen"
(stories.views) and the chapter page members share (community.pages) do the same."""

from django.core.cache import cache
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.paging import page_number, uncounted_page
from members.models import Membership

from .models import ChapterFollow, Story
from .shared import given_reactions

STORIES_PER_PAGE = 20
CHAPTER_PAGE_PARAM = "verhalen"

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
    number = page_number(request.GET.get(CHAPTER_PAGE_PARAM))
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
        query[CHAPTER_PAGE_PARAM] = str(number)
        page = uncounted_page(
            query, stories.page_for_display, per_page=STORIES_PER_PAGE, param=CHAPTER_PAGE_PARAM
        )
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
    """What templates/stories/_chapter_stories.html needs beneath a chapter: nothing but
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
