"""A chapter's text with a history (book.revisions): the curators edit it in the
curation area, and every reader who may read a chapter sees its versions and what
changed between any two of them.

These pages live here rather than in the book app because they name who saved each
version as that person chose to be shown (the members app, a layer above the book).
History and diffs are chapter text: they follow the one access rule
(Chapter.objects.readable_by), so a members-only chapter shows its versions to members
and curators only, and to everyone else the same 404 as a chapter that does not exist."""

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from book.forms import ChapterTextForm, RevisionCompareForm
from book.models import Book, Chapter, ChapterRevision, RevisionSource
from book.revisions import (
    ChapterTextConflict,
    ChapterTextError,
    chapter_save_text,
    newest_revision,
)
from core.diff import diff_html, section_changes
from core.markdown import raw_html_tags, render_markdown
from core.roles import curator_required
from members.models import member_credit, membership_display_name


def revision_saved_by(revision: ChapterRevision) -> str:
    """Who saved `revision`, as a page shows it: a member by the name they chose (or
    their number), a curator without a copy as the editors, an import or the start of
    the history by what it was; "een oud-lid" once the account is gone."""
    user = revision.author
    if user is None:
        if revision.source in (RevisionSource.BEGIN, RevisionSource.IMPORT):
            return str(revision.get_source_display())
        return member_credit(name="", number=None)
    membership = getattr(user, "membership", None)
    if membership is not None:
        return membership_display_name(membership)
    return _("de redactie")


def _readable_chapter_or_404(request, slug: str) -> Chapter:
    return get_object_or_404(Chapter.objects.readable_by(request.user), slug=slug)


@require_safe
def chapter_history(request, slug):
    """Every version of a chapter, newest first, and a form to compare any two."""
    chapter = _readable_chapter_or_404(request, slug)
    revisions = list(chapter.revisions.with_authors().newest_first())
    numbers = [revision.number for revision in revisions]
    asked = "van" in request.GET or "tot" in request.GET
    compare = RevisionCompareForm(request.GET if asked else None, numbers=numbers)
    if compare.is_bound and compare.is_valid():
        return redirect(
            "chapter_compare",
            slug=chapter.slug,
            old=compare.cleaned_data["van"],
            new=compare.cleaned_data["tot"],
        )
    return render(
        request,
        "book/chapter_history.html",
        {
            "chapter": chapter,
            "revisions": [(revision, revision_saved_by(revision)) for revision in revisions],
            "compare": compare,
        },
    )


@require_safe
def chapter_compare(request, slug, old, new):
    """What changed from version `old` to version `new` of a chapter (either order):
    the title and the text word by word, and per section the words added and removed."""
    chapter = _readable_chapter_or_404(request, slug)
    found = {
        revision.number: revision
        for revision in chapter.revisions.with_authors().filter(number__in={old, new})
    }
    if old not in found or new not in found:
        raise Http404("No such revision of this chapter")
    before, after = found[old], found[new]
    return render(
        request,
        "book/chapter_compare.html",
        {
            "chapter": chapter,
            "before": before,
            "after": after,
            "before_by": revision_saved_by(before),
            "after_by": revision_saved_by(after),
            "title_diff": diff_html(before.title, after.title)
            if before.title != after.title
            else None,
            "body_diff": diff_html(before.body, after.body),
            "sections": section_changes(before.body, after.body, with_passages=False),
        },
    )


# Curators ------------------------------------------------------------------------------


def _newest(field: str) -> Subquery:
    return Subquery(
        ChapterRevision.objects.filter(chapter=OuterRef("pk")).order_by("-number").values(field)[:1]
    )


@require_safe
@curator_required("book.change_chapter")
def chapter_text_list(request):
    """The book's chapters, each with its newest version: where the curators start."""
    chapters = (
        Chapter.objects.filter(book=Book.objects.current())
        .in_order()
        .annotate(
            revision_number=_newest("number"),
            revision_at=_newest("created_at"),
            revision_message=_newest("message"),
        )
    )
    return render(request, "curation/chapter_text_list.html", {"chapters": chapters})


FIELDS = ("title", "body", "message", "base_revision")


@require_http_methods(["GET", "HEAD", "POST"])
@curator_required("book.change_chapter")
def chapter_text_edit(request, slug):
    """Edit a chapter's title and Markdown text, with a preview. A save is a new
    version; a save begun from a version that is no longer the newest is refused and
    shows what changed since, keeping the curator's text in the form."""
    chapter = get_object_or_404(Chapter, slug=slug)
    newest = newest_revision(chapter)
    initial = {
        "title": chapter.title,
        "body": chapter.body,
        # Without a history yet, the text as it stands becomes version 1 on saving.
        "base_revision": newest.number if newest else 1,
    }
    context: dict = {"chapter": chapter, "newest": newest}
    status = 200
    if request.method != "POST":
        form = ChapterTextForm(initial=initial)
    elif request.POST.get("action") == "preview":
        # The preview is not a save: what was written goes back into the form as it
        # is, without the errors a save would give.
        form = ChapterTextForm(initial={name: request.POST.get(name, "") for name in FIELDS})
        body = request.POST.get("body", "")
        context |= {
            "preview": render_markdown(body, anchors=True).html,
            "preview_title": request.POST.get("title", ""),
            "raw_tags": raw_html_tags(body),
        }
    else:
        form = ChapterTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                chapter_save_text(
                    chapter=chapter,
                    user=request.user,
                    title=data["title"],
                    body=data["body"],
                    message=data["message"],
                    base_revision=data["base_revision"],
                )
            except ChapterTextConflict as conflict:
                # Shown what changed meanwhile, the curator may save again over it.
                posted = request.POST.copy()
                posted["base_revision"] = str(conflict.newest.number)
                form = ChapterTextForm(posted)
                form.is_valid()
                form.add_error(None, conflict.message)
                base = conflict.base
                context |= {
                    "conflict": conflict,
                    "conflict_diff": diff_html(base.body if base else "", conflict.newest.body),
                    "conflict_title_diff": diff_html(
                        base.title if base else "", conflict.newest.title
                    ),
                }
                status = 409
            except ChapterTextError as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                messages.success(
                    request,
                    _("Hoofdstuk %(title)s is bewaard als een nieuwe versie.")
                    % {"title": data["title"]},
                )
                return redirect("chapter_history", slug=chapter.slug)
        elif form.has_error("body", "raw_html"):
            # What the text would look like published: the HTML as text.
            context |= {
                "preview": render_markdown(form.data.get("body", ""), anchors=True).html,
                "preview_title": form.data.get("title", ""),
            }
    return render(
        request, "curation/chapter_text_edit.html", {**context, "form": form}, status=status
    )
