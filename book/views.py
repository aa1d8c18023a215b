from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from community.curation_views import curator_required
from community.statistics import public_counts
from members.models import user_is_member
from stories.models import Status, Story, published_story_counts
from stories.views import CSRF_STAND_IN, chapter_stories

from . import pages
from .epub import build_edition_epub
from .forms import EditionForm, EditionStoriesForm, ReadingPositionForm
from .models import Book, Chapter, Edition, ReadingPosition
from .services import (
    EditionError,
    edition_create,
    edition_publish,
    edition_stories_choose,
    reading_position_opened,
    reading_position_record,
)


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


# Editions: readers ---------------------------------------------------------------------


def _published_edition_or_404(slug):
    return get_object_or_404(Edition.objects.published(), slug=slug)


@require_safe
def edition_index(request):
    return render(request, "book/edition_index.html", {"editions": Edition.objects.published()})


@require_safe
def edition_detail(request, slug):
    edition = _published_edition_or_404(slug)
    chapters = edition.chapters.annotate(story_count=Count("stories")).order_by("number", "pk")
    return render(
        request,
        "book/edition_detail.html",
        {
            "edition": edition,
            "chapters": chapters,
            "is_member": user_is_member(request.user),
            "other_editions": Edition.objects.published().exclude(pk=edition.pk),
        },
    )


@require_safe
def edition_chapter(request, slug, chapter):
    edition = _published_edition_or_404(slug)
    chapters = list(edition.chapters.only("pk", "number", "title", "slug", "access"))
    position = next((i for i, c in enumerate(chapters) if c.slug == chapter), None)
    if position is None:
        raise Http404("No such chapter in this edition")
    chapter = edition.chapters.get(pk=chapters[position].pk)
    is_member = user_is_member(request.user)
    can_read = chapter.is_open or is_member
    return render(
        request,
        "book/edition_chapter.html",
        {
            "edition": edition,
            "chapter": chapter,
            "stories": chapter.stories.all() if can_read else [],
            "previous": chapters[position - 1] if position > 0 else None,
            "next": chapters[position + 1] if position + 1 < len(chapters) else None,
            "can_read": can_read,
            "is_member": is_member,
        },
    )


@require_safe
def edition_print(request, slug):
    """The whole edition on one page, for the browser's "Print" / "Save as PDF".
    Members-only chapters show their text to members only, as on the site."""
    edition = _published_edition_or_404(slug)
    return render(
        request,
        "book/edition_print.html",
        {
            "edition": edition,
            "chapters": edition.chapters.prefetch_related("stories"),
            "is_member": user_is_member(request.user),
        },
    )


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes, backslashes, angle brackets and control
    characters written as CSS escapes, so no title can end the string or the rule."""
    return (
        '"'
        + "".join(
            char if char.isprintable() and char not in '"\\<>' else f"\\{ord(char):x} "
            for char in text
        )
        + '"'
    )


@require_safe
def edition_print_css(request, slug):
    """Running titles for the printed edition: each chapter its own named page whose
    top margin box carries the chapter's number and title. A stylesheet of its own
    because the Content-Security-Policy allows no inline styles."""
    edition = _published_edition_or_404(slug)
    rules = [
        f".print-chapter--{chapter.pk} {{ page: chapter-{chapter.pk}; }}\n"
        f"@page chapter-{chapter.pk} {{ @top-center {{ content: "
        f"{_css_string(f'{chapter.number}. {chapter.title}')}; }} }}\n"
        for chapter in edition.chapters.only("pk", "number", "title")
    ]
    return HttpResponse("".join(rules), content_type="text/css; charset=utf-8")


@require_safe
def edition_epub(request, slug):
    """The edition as an EPUB 3 file. Members (and curators) get every chapter; other
    readers get the open chapters whole and the members-only ones as title and summary,
    as the site shows them."""
    edition = _published_edition_or_404(slug)
    is_member = user_is_member(request.user)
    data = build_edition_epub(edition=edition, members_only_content=is_member)
    suffix = "" if is_member else "-open"
    response = HttpResponse(data, content_type="application/epub+zip")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}{suffix}.epub"'
    return response


# Editions: curators --------------------------------------------------------------------


@curator_required("book.add_edition")
def edition_list(request):
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = edition_create(
                label=form.cleaned_data["label"],
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
                curator=request.user,
            )
        except EditionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Editie %(label)s is aangemaakt.") % {"label": edition})
            return redirect("book:edition_curate", slug=edition.slug)
    return render(
        request,
        "curation/edition_list.html",
        {"form": form, "editions": Edition.objects.annotate(chapter_count=Count("chapters"))},
    )


def _candidates(edition):
    return (
        Story.objects.filter(
            status=Status.FEATURED, chapter__book=edition.book, chapter__is_published=True
        )
        .select_related("chapter", "author")
        .order_by("chapter__number", "chapter__pk", "published_at", "pk")
    )


@curator_required("book.change_edition")
def edition_curate(request, slug):
    """A draft edition's page: choose per chapter which featured stories it carries,
    then publish it."""
    edition = get_object_or_404(Edition, slug=slug)
    if edition.is_published:
        return redirect(edition.get_absolute_url())
    candidates = _candidates(edition)
    form = EditionStoriesForm(
        request.POST or None,
        candidates=candidates,
        initial={"stories": list(edition.selected_stories.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            edition_stories_choose(
                edition=edition, stories=form.cleaned_data["stories"], curator=request.user
            )
        except EditionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("De keuze van verhalen is bewaard."))
            return redirect("book:edition_curate", slug=edition.slug)
    chosen = {str(pk) for pk in (form["stories"].value() or [])}
    by_chapter = []
    for story in candidates:
        if not by_chapter or by_chapter[-1][0] != story.chapter:
            by_chapter.append((story.chapter, []))
        by_chapter[-1][1].append((story, str(story.pk) in chosen))
    chapters = Chapter.objects.published().filter(book=edition.book).in_order()
    return render(
        request,
        "curation/edition_curate.html",
        {"edition": edition, "form": form, "by_chapter": by_chapter, "chapters": chapters},
    )


@require_POST
@curator_required("book.change_edition")
def edition_publish_view(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    try:
        edition = edition_publish(edition=edition, curator=request.user)
    except EditionError as refusal:
        messages.error(request, refusal.message)
        return redirect("book:edition_curate", slug=edition.slug)
    messages.success(request, _("Editie %(label)s is gepubliceerd.") % {"label": edition})
    return redirect(edition.get_absolute_url())
