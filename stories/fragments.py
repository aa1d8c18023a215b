"""The stories beneath a chapter, as the chapter page (community.views) shows them.

A page of stories is the same for everyone who sees it, so it is rendered once with
stand-ins for what belongs to one visitor (core.cache.shared_context: their CSRF token
in every form, the reactions they gave) and filled in for each
(core.cache.personalise). The story pages and "Nieuwste verhalen" (stories.views) and
the chapter page members share (community.pages) do the same."""

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import cache
from core.paging import page_number, uncounted_page
from members.models import Membership

from .models import ChapterFollow, Story
from .shared import given_reactions

STORIES_PER_PAGE = 20
CHAPTER_PAGE_PARAM = "verhalen"


def _chapter_story_list(request, *, chapter, has_membership: bool, personal: bool = True) -> str:
    """The cards and the pager beneath a chapter, as HTML. The same for every visitor
    who sees the same page of the same chapter in the same language, either with the
    reaction forms (members) or with the counts only (everyone else); so it is cached
    per (chapter, its stories_version, page, forms or not, language) for the first
    pages (core.cache.KEPT_PAGES), and what belongs
    to one visitor is filled in afterwards: their CSRF token in the forms and which
    reactions they gave. Links keep only the page parameter, so no visitor's query
    string ends up in another visitor's page. `personal=False` leaves the stand-ins in
    (for a page cached whole, see community.pages)."""
    number = page_number(request.GET.get(CHAPTER_PAGE_PARAM))

    def render() -> str:
        # Who may read this chapter sees all its public stories: the list is the same
        # for all of them (Story.objects.visible_to, under a chapter they may read).
        stories = Story.objects.published().filter(chapter=chapter)
        query = QueryDict(mutable=True)
        query[CHAPTER_PAGE_PARAM] = str(number)
        page = uncounted_page(
            query,
            stories.reading_order_page_for_display,
            per_page=STORIES_PER_PAGE,
            param=CHAPTER_PAGE_PARAM,
        )
        return render_to_string(
            "stories/_chapter_story_list.html",
            {
                "page": page,
                "membership": has_membership,
                "next_url": f"{chapter.get_absolute_url()}?{query.urlencode()}",
                **cache.shared_context(),
            },
        )

    key = cache.html_key(
        "stories:chapter-list:v2",
        chapter.pk,
        chapter.stories_version,
        chapter.updated_at.timestamp(),
        number,
        "forms" if has_membership else "counts",
    )
    # Deep pages are rendered each time: crawlers walk them (core.cache.KEPT_PAGES).
    html = cache.fetch(key if cache.kept_page(number) else None, render)
    if personal and has_membership:
        given = given_reactions(request.user.membership.pk, chapter_pk=chapter.pk)
        html = cache.personalise(request, html, given)
    # Rendered by the template engine (escaped there); only our own stand-ins replaced.
    return mark_safe(html)


def chapter_stories(
    request, *, chapter, can_read: bool, is_member: bool, personal: bool = True, following=None
) -> dict:
    """What templates/stories/_chapter_stories.html needs beneath a chapter: nothing but
    `can_read` for a reader who may not read the chapter; otherwise a page of its
    stories (featured first, then newest) and whether the reader can add one. The same
    number of queries whether the chapter has ten stories or two hundred, and none for
    the stories themselves when the page is in the cache (_chapter_story_list).
    `personal=False`: the list keeps its stand-ins, filled in by the caller
    (core.cache.personalise); `following`: whether the member follows the
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
