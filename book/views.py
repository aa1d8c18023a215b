from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from members.models import user_is_member
from stories.models import published_story_count
from stories.views import chapter_stories

from .forms import ReadingPositionForm
from .models import Book, Chapter, ReadingPosition
from .services import reading_position_record


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
    book = Book.objects.current()
    chapters = (
        Chapter.objects.visible_to(request.user)
        .filter(book=book)
        .in_order()
        .annotate(story_count=published_story_count())
        if book
        else []
    )
    is_member = user_is_member(request.user)
    return render(
        request,
        "book/home.html",
        {
            "book": book,
            "chapters": chapters,
            "is_member": is_member,
            "continue_reading": _continue_reading(request.user, is_member),
        },
    )


@require_safe
def chapter_detail(request, slug):
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
        reading_position_record(user=request.user, chapter=chapter)
    return render(
        request,
        "book/chapter_detail.html",
        {
            "book": book,
            "chapter": chapter,
            "chapters": chapters,
            "previous": chapters[position - 1] if position > 0 else None,
            "next": chapters[position + 1] if position + 1 < len(chapters) else None,
            "can_read": can_read,
            "is_member": is_member,
            "track_position": can_read and request.user.is_authenticated,
            "stories": chapter_stories(
                request, chapter=chapter, can_read=can_read, is_member=is_member
            ),
        },
    )


@require_POST
@login_required
def reading_position(request):
    """The chapter page's script posts the section the reader has reached. Without
    JavaScript the form is never sent; the chapter itself is remembered on opening."""
    form = ReadingPositionForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(status=400)
    chapter = form.cleaned_data["chapter"]
    position = reading_position_record(
        user=request.user, chapter=chapter, section=form.cleaned_data["section"]
    )
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(position.get_absolute_url())


@require_safe
def colophon(request):
    book = _book_or_404()
    return render(request, "book/colophon.html", {"book": book})
