from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from book.models import Chapter, audience_may_read, user_is_member
from core.converters import bounded_id
from core.paging import counted_page
from core.roles import curator_required
from members.models import Membership
from stories.models import Status, Story, author_name, author_related

from .builds import stored_build
from .epub import build_edition_epub
from .forms import EditionForm, EditionStoriesFilterForm, EditionStoriesForm
from .models import EDITION_STORIES, Edition, credits_joined, organisations_credited
from .services import EditionError, edition_create, edition_publish, edition_stories_mark


def _published_edition_or_404(slug):
    # With the edition it says what changed since ("Wat is er veranderd").
    return get_object_or_404(Edition.objects.published().select_related("compared_with"), slug=slug)


@require_safe
def edition_index(request):
    return render(request, "editions/index.html", {"editions": Edition.objects.published()})


@require_safe
def edition_detail(request, slug):
    edition = _published_edition_or_404(slug)
    chapters = list(
        edition.chapters.annotate(story_count=Count("stories")).order_by("number", "pk")
    )
    return render(
        request,
        "editions/detail.html",
        {
            "edition": edition,
            "newest": Edition.objects.current(),
            "chapters": chapters,
            "changed": [chapter for chapter in chapters if chapter.changes],
            "is_member": user_is_member(request.user),
            "other_editions": Edition.objects.published().exclude(pk=edition.pk),
            "organisations": edition.organisations(),
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
    can_read = chapter.is_readable_by(request.user)
    return render(
        request,
        "editions/chapter.html",
        {
            "edition": edition,
            "chapter": chapter,
            "stories": chapter.stories.for_credits() if can_read else [],
            "previous": chapters[position - 1] if position > 0 else None,
            "next": chapters[position + 1] if position + 1 < len(chapters) else None,
            "can_read": can_read,
            "is_member": is_member,
        },
    )


@require_safe
def edition_print(request, slug):
    """The whole edition on one page, for the browser's "Print" / "Save as PDF".
    Members-only chapters show their text to members only, as on the site. The edition
    itself is rendered once per variant and stored (editions.builds)."""
    edition = _published_edition_or_404(slug)
    members = user_is_member(request.user)

    def build() -> bytes:
        chapters = list(edition.chapters.prefetch_related(EDITION_STORIES))
        for chapter in chapters:
            chapter.readable = audience_may_read(
                is_published=True, access=chapter.access, members=members
            )
        return render_to_string(
            "editions/_print_edition.html",
            {
                "edition": edition,
                "chapters": chapters,
                "changed": [chapter for chapter in chapters if chapter.changes],
                "members": members,
                "organisations": organisations_credited(chapters),
            },
        ).encode()

    name = stored_build(edition=edition, members=members, suffix=".html", build=build)
    with default_storage.open(name, "rb") as stored:
        printed = mark_safe(stored.read().decode())  # rendered by our own template
    return render(
        request,
        "editions/print.html",
        {"edition": edition, "printed": printed, "is_member": members},
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
    as the site shows them. Built on the first download and sent from storage after
    (editions.builds)."""
    edition = _published_edition_or_404(slug)
    members = user_is_member(request.user)
    name = stored_build(
        edition=edition,
        members=members,
        suffix=".epub",
        build=lambda: build_edition_epub(edition=edition, members_only_content=members),
    )
    suffix = "" if members else "-open"
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{edition.slug}{suffix}.epub",
        content_type="application/epub+zip",
    )


# Editions: curators --------------------------------------------------------------------


@curator_required("editions.add_edition")
def edition_list(request):
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = edition_create(
                label=form.cleaned_data["label"],
                slug=form.cleaned_data["slug"],
                date=form.cleaned_data["date"],
                notes=form.cleaned_data["notes"],
                curator=request.user,
            )
        except EditionError as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Editie %(label)s is aangemaakt.") % {"label": edition})
            return redirect("editions:edition_curate", slug=edition.slug)
    return render(
        request,
        "editions/list.html",
        {"form": form, "editions": Edition.objects.annotate(chapter_count=Count("chapters"))},
    )


def _candidates(edition):
    return (
        Story.objects.filter(
            status=Status.FEATURED, chapter__book=edition.book, chapter__is_published=True
        )
        .select_related("chapter", *author_related("author"))
        .order_by("chapter__number", "chapter__pk", "published_at", "pk")
    )


#: Stories on one page of the curators' choice.
CURATE_PER_PAGE = 50

#: A story's co-authors with their names, in the order the story shows them.
COAUTHORS = Prefetch(
    "coauthors", queryset=Membership.objects.select_related("profile").order_by("pk")
)


def _authors(story: Story) -> str:
    """ "Anna en Bram": the names of all of a story's authors (read with COAUTHORS)."""
    return credits_joined([story.author_name, *map(author_name, story.coauthors.all())])


@curator_required("editions.change_edition")
def edition_curate(request, slug):
    """A draft edition's page: choose, a page of featured stories at a time (grouped
    by chapter, filtered by chapter and by the choice so far), which ones it carries;
    then publish it."""
    edition = get_object_or_404(Edition, slug=slug)
    if edition.is_published:
        return redirect(edition.get_absolute_url())
    candidates = _candidates(edition)
    chapters = Chapter.objects.published().filter(book=edition.book).in_order()
    filters = EditionStoriesFilterForm(request.GET, chapters=chapters)
    form = EditionStoriesForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            edition_stories_mark(
                edition=edition,
                shown=form.cleaned_data["shown"],
                chosen=form.cleaned_data["stories"],
                curator=request.user,
            )
        except EditionError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("De keuze van verhalen is bewaard."))
            return redirect(request.get_full_path())
    page = counted_page(
        request.GET,
        filters.filter(candidates, edition).prefetch_related(COAUTHORS),
        per_page=CURATE_PER_PAGE,
    )
    shown = [story.pk for story in page.object_list]
    if request.method == "POST":
        posted = (bounded_id(pk) for pk in form["stories"].value() or [])
        chosen = {pk for pk in posted if pk is not None}
    else:
        chosen = set(edition.selected_stories.filter(pk__in=shown).values_list("pk", flat=True))
    by_chapter: list[tuple[Chapter, list[tuple[Story, bool, str]]]] = []
    for story in page.object_list:
        if not by_chapter or by_chapter[-1][0] != story.chapter:
            by_chapter.append((story.chapter, []))
        by_chapter[-1][1].append((story, story.pk in chosen, _authors(story)))
    return render(
        request,
        "editions/curate.html",
        {
            "edition": edition,
            "form": form,
            "filters": filters,
            "page": page,
            "by_chapter": by_chapter,
            "chosen_count": edition.selected_stories.count(),
            "chapters": chapters,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@curator_required("editions.change_edition")
def edition_publish_view(request, slug):
    """Publishing cannot be undone, so it asks first: the page says what the edition
    will carry (counted as edition_publish would copy it now); its form publishes."""
    edition = get_object_or_404(Edition, slug=slug)
    if request.method == "POST":
        try:
            edition = edition_publish(edition=edition, curator=request.user)
        except EditionError as refusal:
            messages.error(request, refusal.message)
            return redirect("editions:edition_curate", slug=edition.slug)
        messages.success(request, _("Editie %(label)s is gepubliceerd.") % {"label": edition})
        return redirect(edition.get_absolute_url())
    if edition.is_published:
        return redirect(edition.get_absolute_url())
    chapters, stories = edition.contents_to_publish()
    return render(
        request,
        "editions/publish.html",
        {"edition": edition, "chapter_count": chapters.count(), "story_count": stories.count()},
    )
