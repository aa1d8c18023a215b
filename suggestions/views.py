"""The suggestions' pages: a chapter's suggestions (filtered, paged), one suggestion
with its responses and the curators' answer, the form to make one, "Mijn voorstellen",
the curators' board and the author's consent for the "Tegengeluid" appendix. Who may do
what is decided in suggestions.services and the querysets; these views parse, call and
render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from book.models import Chapter, ChapterRevision
from core import cache
from core.http import post_only
from core.paging import counted_page
from core.roles import curator_required
from members.models import Membership

from . import notifications, pages, services
from .forms import (
    BoardFilterForm,
    DecisionForm,
    FilterForm,
    ModerationForm,
    ReportForm,
    ResponseForm,
    SuggestionForm,
)
from .models import OPEN_STATUSES, Response, Suggestion, SuggestionStatus

PER_PAGE = 20
CURATOR_PERMISSION = "suggestions.change_suggestion"


def _readable_chapter(request, slug) -> Chapter:
    """The chapter `slug`, when the visitor may read it (the one access rule): its
    suggestions quote its text."""
    return get_object_or_404(Chapter.objects.readable_by(request.user), slug=slug)


def _refused(form, refusal: services.SuggestionError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


@require_safe
def chapter_suggestions(request, slug):
    return pages.chapter_suggestions_page(
        request, slug, lambda shared: _chapter_suggestions(request, slug, shared=shared)
    )


def _chapter_suggestions(request, slug, *, shared: bool):
    """The page as the visitor sees it: with core.cache.shared_context() when `shared`
    (suggestions.pages stores it for their audience)."""
    chapter = _readable_chapter(request, slug)
    sections = [(s["id"], s["title"]) for s in chapter.sections]
    form = FilterForm(request.GET or None, sections=sections)
    suggestions = Suggestion.objects.visible_to(request.user).filter(chapter=chapter)
    if form.is_valid():
        data = form.cleaned_data
        if data["paragraaf"]:
            suggestions = suggestions.filter(section=data["paragraaf"])
        if data["soort"]:
            suggestions = suggestions.filter(kind=data["soort"])
        if data["status"]:
            suggestions = suggestions.filter(status=data["status"])
    page = counted_page(
        request.GET,
        suggestions.for_display().order_by("-created_at", "-pk"),
        per_page=PER_PAGE,
    )
    context = {"chapter": chapter, "form": form, "page": page, "suggestions": page.object_list}
    if shared:
        context |= cache.shared_context()
    return render(request, "suggestions/chapter_suggestions.html", context)


def _membership_or_403(request) -> Membership:
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        raise PermissionDenied(_("Alleen leden kunnen voorstellen doen en erop reageren."))
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_create(request, slug):
    chapter = _readable_chapter(request, slug)
    membership = _membership_or_403(request)
    # The chapter page's script passes the reader's selection (static/js/suggest-quote.js).
    initial = {
        "section": request.GET.get("paragraaf", ""),
        "quote": request.GET.get("citaat", "")[:2000],
    }
    form = SuggestionForm(request.POST or None, initial=initial, chapter=chapter, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_submit(
                membership=membership, chapter=chapter, **form.cleaned_data
            )
        except services.SuggestionError as refusal:
            _refused(form, refusal)
        else:
            if suggestion.is_published:
                messages.success(request, _("Dank je wel voor je voorstel."))
            else:
                messages.success(
                    request,
                    _("Dank je wel. Een curator leest je voorstel voordat anderen het zien."),
                )
            return redirect(suggestion)
    return render(request, "suggestions/suggestion_form.html", {"chapter": chapter, "form": form})


def _visible_or_404(request, pk) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.visible_to(request.user).for_display(request.user), pk=pk
    )


@require_safe
def suggestion_detail(request, pk):
    suggestion = _visible_or_404(request, pk)
    responses = list(Response.objects.filter(suggestion=suggestion).for_display())
    membership = (
        Membership.objects.for_user(request.user) if request.user.is_authenticated else None
    )
    return render(
        request,
        "suggestions/suggestion_detail.html",
        {
            "suggestion": suggestion,
            "chapter": suggestion.chapter,
            "disagreements": [r for r in responses if r.kind == "anders"],
            "evidence": list(suggestion.evidence.visible_to(request.user).only("pk", "title")),
            "may_respond": membership is not None
            and suggestion.is_published
            and not suggestion.is_by(request.user)
            and not getattr(suggestion, "responded", False),
            "response_form": ResponseForm(),
            "report_form": ReportForm(),
            "is_member": membership is not None,
        },
    )


@post_only("suggestions:detail", label=_("Naar het voorstel"), keep={"reason": _("Waarom")})
@login_required
def respond(request, pk):
    suggestion = _visible_or_404(request, pk)
    membership = _membership_or_403(request)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies eens of ik zie het anders."))
        return redirect(suggestion)
    try:
        services.response_give(suggestion=suggestion, membership=membership, **form.cleaned_data)
    except services.SuggestionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Je reactie staat bij het voorstel."))
    return redirect(suggestion)


@post_only("suggestions:detail", label=_("Naar het voorstel"))
@login_required
def report(request, pk):
    suggestion = _visible_or_404(request, pk)
    membership = _membership_or_403(request)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Schrijf kort op wat er niet klopt."))
        return redirect(suggestion)
    try:
        services.suggestion_report(
            suggestion=suggestion, reporter=membership, reason=form.cleaned_data["reason"]
        )
    except services.SuggestionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Dank je wel. Een curator kijkt ernaar."))
    return redirect(suggestion)


@post_only(lambda request, **kwargs: reverse("suggestions:mine"), label=_("Naar mijn voorstellen"))
@login_required
def delete(request, pk):
    suggestion = _visible_or_404(request, pk)
    try:
        services.suggestion_delete(suggestion=suggestion, user=request.user)
    except services.NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except services.SuggestionError as refusal:
        messages.error(request, refusal.message)
        return redirect(suggestion)
    messages.success(request, _("Je voorstel is verwijderd."))
    return redirect("suggestions:mine")


@login_required
@require_safe
def mine(request):
    membership = Membership.objects.for_user(request.user)
    suggestions = (
        Suggestion.objects.by(membership).for_display().order_by("-created_at", "-pk")
        if membership is not None
        else Suggestion.objects.none()
    )
    page = counted_page(request.GET, suggestions, per_page=PER_PAGE)
    return render(
        request,
        "suggestions/suggestion_mine.html",
        {"membership": membership, "page": page, "suggestions": page.object_list},
    )


# ---- The curators ------------------------------------------------------------------------


@curator_required(CURATOR_PERMISSION)
@require_safe
def board(request):
    form = BoardFilterForm(request.GET or None)
    suggestions = Suggestion.objects.all()
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["hoofdstuk"]:
            suggestions = suggestions.filter(chapter=form.cleaned_data["hoofdstuk"])
    suggestions = (
        suggestions.filter(status=status)
        if status
        else suggestions.filter(status__in=OPEN_STATUSES)
    )
    page = counted_page(
        request.GET,
        suggestions.for_display().order_by("created_at", "pk"),
        per_page=PER_PAGE,
    )
    revisions: dict[int, list[ChapterRevision]] = {}
    for revision in ChapterRevision.objects.filter(
        chapter__in={s.chapter_id for s in page.object_list}
    ).order_by("-number"):
        revisions.setdefault(revision.chapter_id, []).append(revision)
    return render(
        request,
        "suggestions/board.html",
        {
            "form": form,
            "page": page,
            "suggestions": [(s, revisions.get(s.chapter_id, [])) for s in page.object_list],
            "statuses": SuggestionStatus.choices,
            "awaiting": list(Suggestion.objects.awaiting_moderation().for_display()[:PER_PAGE]),
        },
    )


@post_only(lambda request, **kwargs: reverse("suggestions:board"), label=_("Naar de voorstellen"))
@curator_required(CURATOR_PERMISSION)
def decide(request, pk):
    suggestion = get_object_or_404(Suggestion.objects.select_related("chapter"), pk=pk)
    form = DecisionForm(request.POST, chapter=suggestion.chapter)
    if form.is_valid():
        try:
            services.suggestion_status_set(
                suggestion=suggestion,
                curator=request.user,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                revision=form.cleaned_data["revision"],
            )
        except services.SuggestionError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("De status van het voorstel is bewaard."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('suggestions:board')}#voorstel-{suggestion.pk}")


@post_only(lambda request, **kwargs: reverse("suggestions:board"), label=_("Naar de voorstellen"))
@curator_required(CURATOR_PERMISSION)
def moderate(request, pk):
    suggestion = get_object_or_404(Suggestion, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies goedkeuren, verbergen of terugzetten."))
        return redirect("suggestions:board")
    try:
        services.suggestion_moderate(
            suggestion=suggestion, curator=request.user, **form.cleaned_data
        )
    except services.SuggestionError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Je besluit is bewaard."))
    return redirect("suggestions:board")


# ---- Consent for the "Tegengeluid" appendix ------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def consent(request, token):
    """The link in the e-mail: GET shows the question, the page's POST answers it."""
    try:
        suggestion = notifications.consent_suggestion(token)
    except notifications.BadToken:
        return render(request, "suggestions/consent_invalid.html", status=404)
    if request.method == "POST":
        answer = request.POST.get("consent")
        if answer not in ("ja", "nee"):
            messages.error(request, _("Kies ja of nee."))
        else:
            try:
                services.dissent_consent_set(suggestion=suggestion, consent=answer == "ja")
            except services.SuggestionError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Dank je wel: je keuze is bewaard."))
            return redirect(request.path)
    return render(request, "suggestions/consent.html", {"suggestion": suggestion})
