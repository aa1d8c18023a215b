from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from members.models import user_is_member

from .models import Book, Chapter


def _book_or_404():
    book = Book.objects.current()
    if book is None:
        raise Http404("No book yet")
    return book


@require_safe
def home(request):
    book = Book.objects.current()
    chapters = Chapter.objects.visible_to(request.user).filter(book=book).in_order() if book else []
    return render(
        request,
        "book/home.html",
        {"book": book, "chapters": chapters, "is_member": user_is_member(request.user)},
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
    return render(
        request,
        "book/chapter_detail.html",
        {
            "book": book,
            "chapter": chapter,
            "chapters": chapters,
            "previous": chapters[position - 1] if position > 0 else None,
            "next": chapters[position + 1] if position + 1 < len(chapters) else None,
            "can_read": chapter.is_open or is_member,
            "is_member": is_member,
        },
    )


@require_safe
def colophon(request):
    book = _book_or_404()
    return render(request, "book/colophon.html", {"book": book})
