from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.http import post_only

from .forms import ReadingPositionForm
from .models import Book
from .services import (
    reading_position_record,
)


def _book_or_404():
    book = Book.objects.current()
    if book is None:
        raise Http404("No book yet")
    return book


@post_only("home", label=_("Naar de inhoudsopgave"), anchor="inhoudsopgave")
@login_required
def reading_position(request):
    """The chapter page's script posts the section the reader has reached. Without
    JavaScript the form is never sent; the chapter itself is remembered on opening."""
    form = ReadingPositionForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponse(status=400)
    chapter = form.cleaned_data["chapter"]
    # No section (the page was opened, or the button without JavaScript) keeps the
    # section stored for this chapter.
    position = reading_position_record(
        user=request.user, chapter=chapter, section=form.cleaned_data["section"] or None
    )
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(position.get_absolute_url())


@require_safe
def colophon(request):
    book = _book_or_404()
    return render(request, "book/colophon.html", {"book": book})
