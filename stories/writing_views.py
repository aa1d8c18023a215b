"""What members do with stories besides reading them: write, edit and delete their
stories and replies, react, report. Who may change what is decided in the services
(stories.writing, stories.reactions, stories.reports); these views parse, call and
render.

Refusals: a story or reply the visitor may not see is a 404; one they may see but is
not theirs to change is a 403; a visitor who is not logged in goes to the login page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from book.models import Book, Chapter
from core.http import post_only
from core.markdown import render_markdown
from core.pending_photos import pending_photo_kept, pending_photo_use
from members.models import Membership
from organisations.models import Organisation

from . import reactions, reports, writing
from .exceptions import NotAllowed, RateLimited, StoryError
from .forms import ReplyForm, ReportForm, StoryForm
from .models import ReactionKind, Reply, Status, Story
from .views import _story_page

# ---- Helpers ------------------------------------------------------------------------


def _membership_or_403(request) -> Membership:
    membership = Membership.objects.for_user(request.user)
    if membership is None:
        raise PermissionDenied(_("Alleen leden kunnen verhalen schrijven en reageren."))
    return membership


def _own_story_or_error(request, pk, *, coauthors: bool = False) -> Story:
    """The story, if the visitor may see it (404 otherwise) and wrote it (403); with
    `coauthors`, a co-author too."""
    story = get_object_or_404(
        Story.objects.visible_to(request.user).select_related("chapter", "author", "organisation"),
        pk=pk,
    )
    if not (story.may_edit(request.user) if coauthors else story.is_by(request.user)):
        raise PermissionDenied
    return story


def _own_reply_or_error(request, pk) -> Reply:
    reply = get_object_or_404(
        Reply.objects.select_related("story", "author").filter(
            story__in=Story.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if not reply.is_by(request.user):
        raise PermissionDenied
    return reply


def _visible_public_story(request, pk) -> Story:
    return get_object_or_404(
        Story.objects.visible_to(request.user).published().select_related("chapter", "author"),
        pk=pk,
    )


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


# ---- Writing ------------------------------------------------------------------------


def _form_page(request, template, context, status=200, refusal=None):
    form = context["form"]
    if form.has_error("photo", "rate_limited"):
        status = 429
    preview = None
    if request.method == "POST":
        form = pending_photo_kept(user=request.user, form=form)
        if refusal is not None:
            form.add_error(None, refusal)
        if request.POST.get("action") == "preview":
            # The preview goes through the same sanitising renderer as the saved story.
            preview = render_markdown(form.data.get("body", "")).html
    return render(
        request,
        template,
        {**context, "form": form, "preview": preview, "preview_photo": form.photo_shown()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_create(request, chapter_slug):
    membership = _membership_or_403(request)
    chapter = get_object_or_404(
        Chapter.objects.published().filter(book=Book.objects.current()), slug=chapter_slug
    )
    initial = {"municipality": writing.profile_municipality(membership)}
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        uploader=request.user,
        organisations=Organisation.objects.verified_for(membership),
    )
    context = {"form": form, "chapter": chapter}
    template = "stories/story_form.html"
    action = request.POST.get("action")
    if request.method == "POST" and action != "preview" and form.is_valid():
        data = form.cleaned_data
        try:
            story = writing.story_submit(
                author=membership,
                chapter=chapter,
                title=data["title"],
                body=data["body"],
                draft=action == "draft",
                submission_key=data["submission_key"],
                themes=data.get("themes") or (),
                municipality=data["municipality"],
                organisation=form.organisation_chosen("auto"),
                photo=form.photo_to_save(),
                photo_alt=data["photo_alt"],
            )
        except RateLimited as refusal:
            return _form_page(request, template, context, status=429, refusal=refusal.message)
        if form.pending is not None:
            pending_photo_use(pending=form.pending)
        messages.success(request, _status_message(story))
        return redirect(story)
    return _form_page(request, template, context)


def _status_message(story: Story):
    if story.status == Status.DRAFT:
        return _("Je concept is bewaard. Alleen jij kunt het zien.")
    if story.status == Status.PENDING:
        return _(
            "Dank je wel! Je verhaal is ontvangen. Een curator leest het en zet het dan in "
            "het boek; op “Mijn verhalen” zie je wanneer dat gebeurd is."
        )
    return _("Dank je wel! Je verhaal staat nu in het boek.")


def _organisations_to_choose(story: Story) -> list[Organisation]:
    """The organisations the author may name on their story: their verified ones, and
    the one it names now (kept when left as it is)."""
    options = list(Organisation.objects.verified_for(story.author)) if story.author else []
    if story.organisation is not None and story.organisation not in options:
        options.append(story.organisation)
    return options


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request, pk):
    story = _own_story_or_error(request, pk, coauthors=True)
    if story.status == Status.HIDDEN:
        raise PermissionDenied(_("Dit verhaal is verborgen door een curator."))
    # An edit that waits for a curator is what the author goes on from.
    edit = story.revisions.pending().first() if story.is_public else None
    shown = edit or story
    photo = story.photo if edit is None or not (edit.photo or edit.remove_photo) else edit.photo
    initial = {
        "title": shown.title,
        "body": shown.body,
        "themes": list(story.themes.all()),
        "municipality": shown.municipality,
        "organisation": str(story.organisation_id or ""),
        "photo": photo or None,
        "photo_alt": shown.photo_alt,
        "submission_key": story.submission_key,
    }
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_photo=bool(photo),
        uploader=request.user,
        organisations=_organisations_to_choose(story),
    )
    context = {"form": form, "chapter": story.chapter, "story": story}
    template = "stories/story_form.html"
    action = request.POST.get("action")
    if request.method == "POST" and action != "preview" and form.is_valid():
        data = form.cleaned_data
        try:
            story = writing.story_update(
                story=story,
                editor=request.user,
                title=data["title"],
                body=data["body"],
                submit=action == "submit",
                themes=data["themes"] if "themes" in data else None,
                municipality=data["municipality"],
                organisation=form.organisation_chosen("keep"),
                photo=form.photo_to_save(),
                remove_photo=data["photo"] is False,
                photo_alt=data["photo_alt"],
            )
        except NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from None
        if form.pending is not None:
            pending_photo_use(pending=form.pending)
        if story.is_public and story.revisions.pending().exists():
            messages.info(
                request,
                _(
                    "Je bewerking wacht op een curator. Tot die haar goedkeurt, lezen "
                    "anderen de versie die er al stond."
                ),
            )
        else:
            messages.success(request, _("Je verhaal is bijgewerkt."))
        return redirect(story)
    return _form_page(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def story_delete(request, pk):
    story = _own_story_or_error(request, pk)
    if request.method == "POST":
        writing.story_delete(story=story, user=request.user)
        messages.success(request, _("Je verhaal is verwijderd."))
        return redirect("stories:mine")
    return render(request, "stories/story_confirm_delete.html", {"story": story})


# ---- Reactions ----------------------------------------------------------------------


@post_only("stories:redirect", label=_("Naar het verhaal"))
@login_required
def reaction_toggle(request, pk):
    """Without JavaScript: the form posts here and comes back to the story. With it
    (header X-Requested-With: fetch): the new counts as JSON, for reactions.js."""
    membership = _membership_or_403(request)
    story = _visible_public_story(request, pk)
    kind = request.POST.get("kind")
    if kind not in ReactionKind.values:
        if _wants_json(request):
            return JsonResponse({"error": "unknown reaction"}, status=400)
        raise Http404("Unknown reaction")
    given = reactions.reaction_toggle(story=story, membership=membership, kind=kind)
    if _wants_json(request):
        counts = reactions.reaction_counts(story=story)
        label = ReactionKind(kind).label
        message = (
            _("Je gaf “%(label)s”. Nu %(count)d.")
            if given
            else _("Je nam “%(label)s” terug. Nu %(count)d.")
        ) % {"label": label, "count": counts[kind]}
        return JsonResponse({"kind": kind, "given": given, "counts": counts, "message": message})
    target = _safe_next(request, story.get_absolute_url()).split("#")[0]
    return redirect(f"{target}#{story.anchor}")


# ---- Replies ------------------------------------------------------------------------


@post_only(
    "stories:redirect",
    label=_("Naar het verhaal"),
    anchor="reacties",
    keep={"body": _("Je reactie")},
)
@login_required
def reply_create(request, pk):
    membership = _membership_or_403(request)
    story = get_object_or_404(
        Story.objects.visible_to(request.user).published().for_display(request.user), pk=pk
    )
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            reply = reactions.reply_create(
                story=story, author=membership, body=form.cleaned_data["body"]
            )
        except RateLimited as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(reply.get_absolute_url())
    return render(
        request,
        "stories/story_detail.html",
        _story_page(request, story, membership, form),
        status=429 if form.non_field_errors() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply_edit(request, pk):
    reply = _own_reply_or_error(request, pk)
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        try:
            reply = reactions.reply_update(
                reply=reply, editor=request.user, body=form.cleaned_data["body"]
            )
        except NotAllowed:
            raise PermissionDenied from None
        return redirect(reply.get_absolute_url())
    return render(request, "stories/reply_form.html", {"form": form, "reply": reply})


@login_required
@require_http_methods(["GET", "POST"])
def reply_delete(request, pk):
    reply = _own_reply_or_error(request, pk)
    if request.method == "POST":
        reactions.reply_delete(reply=reply, user=request.user)
        messages.success(request, _("Je reactie is verwijderd."))
        return redirect(reply.story)
    return render(request, "stories/reply_confirm_delete.html", {"reply": reply})


# ---- Reports ------------------------------------------------------------------------


def _report(request, *, story=None, reply=None):
    membership = _membership_or_403(request)
    target = story or reply
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_create(
                reporter=membership, story=story, reply=reply, reason=form.cleaned_data["reason"]
            )
        except StoryError as refusal:
            messages.info(request, refusal.message)
        else:
            messages.success(request, _("Dank je wel voor je melding. Een curator kijkt ernaar."))
        story = story or reply.story
        visible = Story.objects.visible_to(request.user).filter(pk=story.pk).exists()
        return redirect(target.get_absolute_url() if visible else reverse("stories:latest"))
    return render(
        request, "stories/report_form.html", {"form": form, "story": story, "reply": reply}
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_report(request, pk):
    return _report(request, story=_visible_public_story(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def reply_report(request, pk):
    reply = get_object_or_404(
        Reply.objects.shown()
        .select_related("story", "author")
        .filter(story__in=Story.objects.visible_to(request.user).published()),
        pk=pk,
    )
    return _report(request, reply=reply)
