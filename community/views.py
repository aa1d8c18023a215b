"""Site pages that compose several apps: the home page (the book, its chapters, the
stories' counts, the current edition) and a chapter with the stories beneath it."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from book.models import Book, Chapter, ReadingPosition
from book.services import reading_position_opened
from community.statistics import public_counts
from editions.models import Edition
from members.models import user_is_member
from stories.fragments import CSRF_STAND_IN, chapter_stories
from stories.models import published_story_counts

from . import pages


def _book_or_404():
    book = Book.objects.current()
    if book is None:
        raise Http404("No book yet")
    return book


def _continue_reading(user, is_member):
    """The reader's saved place, if it is still a chapter they may read."""
    if not user.is_authenticated:
        return None
    position = (
        ReadingPosition.objects.select_related("chapter")
        .filter(user=user, chapter__in=Chapter.objects.visible_to(user))
        .first()
    )
    if position and (position.chapter.is_open or is_member):
        return position
    return None


@require_safe
def home(request):
    return pages.home_page(request, lambda: _home(request))


def _home(request):
    book = Book.objects.current()
    chapters = (
        list(Chapter.objects.visible_to(request.user).filter(book=book).in_order()) if book else []
    )
    counts = published_story_counts(chapters)
    for chapter in chapters:
        chapter.story_count = counts[chapter.pk]
    is_member = user_is_member(request.user)
    return render(
        request,
        "book/home.html",
        {
            "book": book,
            "chapters": chapters,
            "is_member": is_member,
            "continue_reading": _continue_reading(request.user, is_member),
            "current_edition": Edition.objects.current(),
            "counts": public_counts(),
        },
    )


@require_safe
def chapter_detail(request, slug):
    """A chapter and the stories beneath it. Anonymous readers and members share cached
    pages (book.pages); everyone else gets theirs rendered."""
    return pages.chapter_page(
        request, slug, lambda member_page: _chapter_detail(request, slug, member_page=member_page)
    )


def _chapter_detail(request, slug, *, member_page=None):
    book = _book_or_404()
    chapters = list(
        Chapter.objects.visible_to(request.user)
        .filter(book=book)
        .in_order()
        .only("pk", "number", "title", "slug", "access", "is_published")
    )
    position = next((i for i, c in enumerate(chapters) if c.slug == slug), None)
    if position is None:
        raise Http404("No such chapter")
    chapter = get_object_or_404(Chapter.objects.select_related("book"), pk=chapters[position].pk)
    is_member = user_is_member(request.user)
    can_read = chapter.is_open or is_member
    if can_read and request.user.is_authenticated:
        reading_position_opened(user=request.user, chapter=chapter)
    stories = chapter_stories(
        request,
        chapter=chapter,
        can_read=can_read,
        is_member=is_member,
        personal=member_page is None,
        following=member_page.following if member_page else None,
    )
    context = {
        "book": book,
        "chapter": chapter,
        "chapters": chapters,
        "previous": chapters[position - 1] if position > 0 else None,
        "next": chapters[position + 1] if position + 1 < len(chapters) else None,
        "can_read": can_read,
        "is_member": is_member,
        "track_position": can_read and request.user.is_authenticated,
        "stories": stories,
    }
    if member_page is None:
        return render(request, "book/chapter_detail.html", context)
    # A page for every member: forms carry the stand-in, not this member's token
    # (member_page.store fills it in, with the reactions they gave).
    context["csrf_token"] = CSRF_STAND_IN
    response = render(request, "book/chapter_detail.html", context)
    return member_page.store(request, response, sections=chapter.sections)
