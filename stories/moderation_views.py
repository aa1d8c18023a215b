"""The curators' moderation pages ("redactie"): the queue of what waits for a curator
(pending stories, reported stories and replies, what the report threshold hid) and the
audit log of every decision.

Every decision is a POST through stories.moderation, which checks it and writes the log
entry in the same transaction. The pages work without JavaScript: each decision on an
item is a small form of its own; the checkboxes for a decision on several items belong
to the bulk form through their `form` attribute, so no form sits inside another.

The two forms live here rather than in stories/forms.py: they parse these views' POSTs
and nothing else."""

import re

from django import forms
from django.contrib import messages
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Value
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from core.http import post_only
from core.paging import PAGE_PARAM, counted_page, page_number
from core.roles import curator_required

from . import moderation, moderation_queue, reports
from .exceptions import StoryError
from .models import (
    ModerationAction,
    ModerationKind,
    Reply,
    Report,
    Status,
    Story,
    StoryRevision,
    author_related,
)

QUEUE_PER_PAGE = 25
LOG_PER_PAGE = 50
ACTION_PARAM = "handeling"
TARGET = re.compile(r"^([a-z]{1,20}):(\d{1,18})$")
#: The kinds of this app; other apps' kinds come from their queue sections (stories.moderation_queue).
OWN_KINDS = ("story", "reply")

#: What the bulk form offers (unfeature is a decision on one featured story at a time).
BULK_ACTIONS = [
    ("approve", _("Goedkeuren en publiceren")),
    ("feature", _("Uitlichten")),
    ("hide", _("Verbergen (met reden)")),
    ("restore", _("Terugzetten")),
    ("dismiss", _("Meldingen afwijzen")),
    ("approve_edit", _("Bewerkingen goedkeuren")),
]


# ---- Forms --------------------------------------------------------------------------


def _parse_target(value: str, *, kinds: set[str] | None = None) -> tuple[str, int]:
    """("story", 12) from "story:12"; `kinds`: those allowed (default: every kind the
    queue knows, other apps' sections included)."""
    match = TARGET.match(value or "")
    if kinds is None:
        kinds = {*OWN_KINDS, *(section.kind for section in moderation_queue.sections())}
    if match is None or match[1] not in kinds:
        raise forms.ValidationError(_("Onbekend item."))
    return match[1], int(match[2])


def _decisions() -> list[tuple[str, str]]:
    actions = dict.fromkeys(moderation.QUEUE_ACTIONS)
    for section in moderation_queue.sections():
        actions |= dict.fromkeys(section.actions)
    return [(action, action) for action in actions]


class DecisionForm(forms.Form):
    target = forms.CharField()
    action = forms.ChoiceField(choices=_decisions)
    reason = forms.CharField(max_length=300, required=False)

    def clean_target(self):
        return _parse_target(self.cleaned_data["target"])


class TargetsField(forms.Field):
    """The bulk form's items: stories and replies (other apps' items are decided one
    at a time)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [_parse_target(item, kinds=set(OWN_KINDS)) for item in value or []]

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Kies eerst een of meer items."))


class BulkDecisionForm(forms.Form):
    items = TargetsField()
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    reason = forms.CharField(max_length=300, required=False)


# ---- Reads --------------------------------------------------------------------------


def _open_reports():
    """The open reports, each marked `weighs`: whether its reporter is established
    enough to count towards hiding (stories.reports)."""
    weighs = ExpressionWrapper(reports.established_member_q("reporter"), BooleanField())
    return Prefetch(
        "reports",
        queryset=Report.objects.open().annotate(weighs=weighs).order_by("created_at", "pk"),
        to_attr="open_reports",
    )


def queue_entries():
    """Everything in the queue, oldest first, as (kind, pk, waiting_since) rows: one
    query, sliced by the paginator, whatever the number of items."""
    stories = (
        Story.objects.awaiting_curator()
        .annotate(kind=Value("story"))
        .values_list("kind", "pk", "waiting_since")
    )
    replies = (
        Reply.objects.awaiting_curator()
        .annotate(kind=Value("reply"))
        .values_list("kind", "pk", "waiting_since")
    )
    others = [section.entries().order_by() for section in moderation_queue.sections()]
    return (
        stories.order_by()
        .union(replies.order_by(), *others, all=True)
        .order_by("waiting_since", "kind")
    )


def queue_items(rows) -> list:
    """The stories and replies of one page of `queue_entries`, in its order, with what
    the queue shows of them (open reports; for stories, the edit that waits): a fixed
    number of queries for each kind, however many items."""
    ids: dict[str, list[int]] = {"story": [], "reply": []}
    for kind, pk, _waiting_since in rows:
        ids.setdefault(kind, []).append(pk)
    others: dict[str, dict[int, dict]] = {
        section.kind: section.items(ids[section.kind])
        for section in moderation_queue.sections()
        if ids.get(section.kind)
    }
    stories = (
        Story.objects.filter(pk__in=ids["story"])
        .select_related("chapter", *author_related("author"))
        .prefetch_related(
            _open_reports(),
            Prefetch(
                "revisions", queryset=StoryRevision.objects.pending(), to_attr="pending_edits"
            ),
        )
        .in_bulk()
        if ids["story"]
        else {}
    )
    replies = (
        Reply.objects.filter(pk__in=ids["reply"])
        .select_related("story__chapter", *author_related("author"))
        .prefetch_related(_open_reports())
        .in_bulk()
        if ids["reply"]
        else {}
    )
    items = []
    for kind, pk, waiting_since in rows:
        if kind in others:
            if pk in others[kind]:
                items.append(others[kind][pk])
            continue
        item = (stories if kind == "story" else replies).get(pk)
        if item is not None:
            items.append(_entry(kind, item, waiting_since))
    return items


ACTION_LABELS = {
    "approve": _("Goedkeuren"),
    "feature": _("Uitlichten"),
    "unfeature": _("Niet meer uitlichten"),
    "restore": _("Terugzetten"),
    "dismiss": _("Meldingen afwijzen"),
    "approve_edit": _("Bewerking goedkeuren"),
}


def _actions(kind: str, item) -> list[str]:
    """The decisions that fit the item's state, the likeliest first (hide has its own
    form, for its reason)."""
    if kind == "reply":
        return ["restore"] if item.is_hidden else ["dismiss"]
    actions = {
        Status.PENDING: ["approve", "feature"],
        Status.PUBLISHED: ["dismiss", "feature"],
        Status.FEATURED: ["dismiss", "unfeature"],
        Status.HIDDEN: ["restore"],
    }.get(item.status, [])
    if not item.open_reports:
        # In the queue for its edit alone: there are no reports to dismiss.
        actions = [action for action in actions if action != "dismiss"]
    if item.is_public and item.pending_edits:
        actions = ["approve_edit", *actions]
    return actions


def _entry(kind: str, item, waiting_since) -> dict:
    """What the queue shows of one story or reply."""
    is_story = kind == "story"
    hidden = item.status == Status.HIDDEN if is_story else item.is_hidden
    edit = item.pending_edits[0] if is_story and item.is_public and item.pending_edits else None
    if hidden:
        state, state_label = "hidden", _("verborgen na meldingen")
    elif is_story and item.status == Status.PENDING:
        state, state_label = "pending", _("wacht op goedkeuring")
    elif edit is not None:
        state, state_label = "edited", _("bewerkt")
    else:
        state, state_label = "reported", _("gemeld")
    story = item if is_story else item.story
    author = item.author
    name = item.author_name
    if author is not None and name != str(author):
        name = f"{name} ({author})"
    return {
        "kind": kind,
        "object": item,
        "key": f"{kind}-{item.pk}",
        "target": f"{kind}:{item.pk}",
        "title": item.title if is_story else _("Reactie op “%(title)s”") % {"title": story.title},
        "kind_label": _("Verhaal") if is_story else _("Reactie"),
        "chapter": story.chapter,
        "author": name,
        "state": state,
        "state_label": state_label,
        "hidden": hidden,
        "reporters": len({report.reporter_id for report in item.open_reports}),
        "weighing": len({report.reporter_id for report in item.open_reports if report.weighs}),
        "edit": edit,
        "diff": edit.diff() if edit is not None else [],
        "actions": [(action, ACTION_LABELS[action]) for action in _actions(kind, item)],
        "hide_label": _("Verborgen houden") if hidden else _("Verbergen"),
        "waiting_since": waiting_since,
    }


def _back_to_queue(request):
    url = reverse("stories:moderation_queue")
    number = page_number(request.POST.get(PAGE_PARAM) or request.GET.get(PAGE_PARAM))
    return redirect(f"{url}?{PAGE_PARAM}={number}" if number != 1 else url)


def _targets(pairs) -> tuple[list[Story], list[Reply]]:
    story_ids = [pk for kind, pk in pairs if kind == "story"]
    reply_ids = [pk for kind, pk in pairs if kind == "reply"]
    stories = list(Story.objects.filter(pk__in=story_ids)) if story_ids else []
    replies = list(Reply.objects.filter(pk__in=reply_ids)) if reply_ids else []
    return stories, replies


# ---- Views --------------------------------------------------------------------------


@curator_required("stories.change_story")
@require_safe
def queue(request):
    page = counted_page(request.GET, queue_entries(), per_page=QUEUE_PER_PAGE)
    return render(
        request,
        "curation/moderation_queue.html",
        {
            "page": page,
            "items": queue_items(page.object_list),
            "bulk_actions": BULK_ACTIONS,
            "page_param": PAGE_PARAM,
        },
    )


@post_only("stories:moderation_queue", label=_("Naar de moderatie"))
@curator_required("stories.change_story")
def decide(request):
    """One decision on one item, from the item's own form in the queue."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dat lukte niet: het formulier was niet compleet."))
        return _back_to_queue(request)
    kind, pk = form.cleaned_data["target"]
    if kind not in OWN_KINDS:
        return _decide_other(request, form, kind, pk)
    stories, replies = _targets([(kind, pk)])
    item = (stories or replies or [None])[0]
    if item is None:
        messages.error(request, _("Dit item bestaat niet meer."))
        return _back_to_queue(request)
    try:
        moderation.item_moderate(
            curator=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            story=item if isinstance(item, Story) else None,
            reply=item if isinstance(item, Reply) else None,
        )
    except StoryError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(action)s: %(item)s")
            % {"action": ModerationKind(form.cleaned_data["action"]).label, "item": item},
        )
    return _back_to_queue(request)


def _decide_other(request, form: DecisionForm, kind: str, pk: int):
    """A decision on another app's item (stories.moderation_queue), by its section's service."""
    action = form.cleaned_data["action"]
    try:
        decided = moderation_queue.decide(
            kind=kind,
            pk=pk,
            curator=request.user,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except StoryError as refusal:
        messages.error(request, refusal.message)
    else:
        if decided is None:
            messages.error(request, _("Dit item bestaat niet meer."))
        else:
            messages.success(
                request,
                _("%(action)s: %(item)s")
                % {"action": ModerationKind(action).label, "item": decided},
            )
    return _back_to_queue(request)


@post_only("stories:moderation_queue", label=_("Naar de moderatie"))
@curator_required("stories.change_story")
def decide_bulk(request):
    """One decision on every item ticked in the queue."""
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back_to_queue(request)
    stories, replies = _targets(form.cleaned_data["items"])
    try:
        outcome = moderation.items_moderate(
            curator=request.user,
            action=form.cleaned_data["action"],
            stories=stories,
            replies=replies,
            reason=form.cleaned_data["reason"],
        )
    except StoryError as refusal:
        messages.error(request, refusal.message)
        return _back_to_queue(request)
    if outcome.done:
        count = len(outcome.done)
        messages.success(
            request,
            ngettext("%(count)d item afgehandeld.", "%(count)d items afgehandeld.", count)
            % {"count": count},
        )
    for item, message in outcome.refused:
        messages.warning(request, f"{item}: {message}")
    return _back_to_queue(request)


class LogFilterForm(forms.Form):
    handeling = forms.ChoiceField(
        label=_("Handeling"),
        choices=[("", _("Alle handelingen")), *ModerationKind.choices],
        required=False,
    )


@curator_required("stories.view_moderationaction")
@require_safe
def log(request):
    """The audit log, newest first, filtered by action. Read-only, like the admin's."""
    form = LogFilterForm(request.GET)
    entries = ModerationAction.objects.select_related(
        "curator__membership__profile", "story", "reply__story"
    )
    action = form.cleaned_data["handeling"] if form.is_valid() else ""
    if action:
        entries = entries.filter(action=action)
    page = counted_page(request.GET, entries, per_page=LOG_PER_PAGE)
    return render(
        request,
        "curation/moderation_log.html",
        {
            "form": form,
            "page": page,
            "entries": page.object_list,
        },
    )
