"""Suggestions in the curators' one moderation queue (the stories', through its
registry stories.moderation_queue, registered from this app's AppConfig.ready()): a
suggestion that waits for approval (a new member's, in the moderation mode that asks
it) or that members reported. The decisions are suggestions.services'
suggestion_moderate, which writes the shared audit log; the board
(/redactie/voorstellen/) shows the same suggestions among the rest."""

from django.contrib.auth.models import User
from django.db.models import F, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import membership_display_name
from stories.models import ModerationKind, Status
from stories.moderation_queue import QueueSection

from .models import Suggestion
from .services import suggestion_moderate

ACTIONS = (ModerationKind.APPROVE.value, ModerationKind.RESTORE.value, ModerationKind.HIDE.value)
ACTION_LABELS = {
    "approve": gettext_lazy("Goedkeuren"),
    "restore": gettext_lazy("Terugzetten"),
}


def _entries():
    return (
        Suggestion.objects.awaiting_moderation()
        .annotate(kind_name=Value("suggestion"), waiting_since=F("created_at"))
        .order_by()
        .values_list("kind_name", "pk", "waiting_since")
    )


def _items(pks: list[int]) -> dict[int, dict]:
    found = (
        Suggestion.objects.filter(pk__in=pks)
        .select_related("chapter", "author__profile")
        .prefetch_related("reports")
    )
    items = {}
    for suggestion in found:
        reports = [report for report in suggestion.reports.all() if report.resolved_at is None]
        shown = Status.HIDDEN if suggestion.moderation == Status.HIDDEN else Status.PUBLISHED
        first = "restore" if suggestion.moderation == Status.HIDDEN else "approve"
        items[suggestion.pk] = {
            "template": "suggestions/_moderation_item.html",
            "kind": "suggestion",
            "object": suggestion,
            "key": f"suggestion-{suggestion.pk}",
            "target": f"suggestion:{suggestion.pk}",
            "title": _("Voorstel bij %(chapter)s: %(section)s")
            % {"chapter": suggestion.chapter.title, "section": suggestion.section_title},
            "kind_label": suggestion.get_kind_display(),
            "author": membership_display_name(suggestion.author) if suggestion.author else "",
            "reports": reports,
            "hidden": shown == Status.HIDDEN,
            "waiting_since": suggestion.created_at,
            "actions": [(first, ACTION_LABELS[first])],
            "hide_label": _("Verbergen"),
        }
    return items


def _decide(*, curator: User, pk: int, action: str, reason: str) -> str | None:
    suggestion = Suggestion.objects.filter(pk=pk).first()
    if suggestion is None:
        return None
    suggestion_moderate(suggestion=suggestion, curator=curator, action=action, reason=reason)
    return str(suggestion)


SECTION = QueueSection(
    kind="suggestion", entries=_entries, items=_items, decide=_decide, actions=ACTIONS
)
