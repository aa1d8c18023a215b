"""Site pages that compose several apps: the home page (the book, its chapters, the
stories' counts, the current edition) and a chapter with the stories beneath it."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from book.models import Book, Chapter, ReadingPosition, user_is_member
from community.statistics import public_counts
from core import cache
from editions.models import Edition
from meetings.models import Meeting
from stories.fragments import chapter_stories
from stories.models import published_story_counts
from suggestions.models import Suggestion

from . import pages


def _book_or_404():
    book = Book.objects.current()
    if book is None:
        raise Http404("No book yet")
    return book


def _continue_reading(user):
    """The reader's saved place, if it is still a chapter they may read."""
    if not user.is_authenticated:
        return None
    return (
        ReadingPosition.objects.select_related("chapter")
        .filter(user=user, chapter__in=Chapter.objects.readable_by(user))
        .first()
    )


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
        # What the table of contents shows of each chapter, beside the chapter itself.
        chapter.story_count = counts[chapter.pk]  # type: ignore[attr-defined]
        chapter.readable = chapter.is_readable_by(request.user)  # type: ignore[attr-defined]
    is_member = user_is_member(request.user)
    return render(
        request,
        "book/home.html",
        {
            "book": book,
            "chapters": chapters,
            "is_member": is_member,
            "continue_reading": _continue_reading(request.user),
            "current_edition": Edition.objects.current(),
            "counts": public_counts(),
            "meetings": list(Meeting.objects.next_shown()),
        },
    )


@require_safe
def chapter_detail(request, slug):
    """A chapter and the stories beneath it. Anonymous readers and members share cached
    pages (community.pages); everyone else gets theirs rendered."""
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
    # Reading the page changes nothing: the page's script (or, without it, a button)
    # posts the reading position (book.views.reading_position).
    can_read = chapter.is_readable_by(request.user)
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
        "sections": _sections(chapter) if can_read else [],
        "stories": stories,
        "meetings": list(Meeting.objects.next_shown(chapter=chapter)),
    }
    if member_page is None:
        return render(request, "book/chapter_detail.html", context)
    # A page for every member: stand-ins for this member's token and reactions
    # (core.cache.personal_page fills them in).
    return render(request, "book/chapter_detail.html", context | cache.shared_context())


def _sections(chapter: Chapter) -> list[dict]:
    """The chapter's sections, each with its number of open suggestions: one query."""
    counts = Suggestion.objects.open_counts_by_section(chapter)
    return [
        {**section, "open_suggestions": counts.get(section["id"], 0)}
        for section in chapter.sections
    ]


@require_safe
def contact(request):
    """Where every "neem contact op" of the site leads: the address in CONTACT_EMAIL."""
    return render(request, "community/contact.html", {"contact_email": settings.CONTACT_EMAIL})


@cache_control(public=True, max_age=86400)
@require_safe
def favicon(request):
    """/favicon.ico: browsers, feed readers and bookmarks ask for it at the root whatever
    the page links to. The icon of the static files (scripts/favicons.py draws it)."""
    return FileResponse(staticfiles_storage.open("img/favicon.ico"), content_type="image/x-icon")
