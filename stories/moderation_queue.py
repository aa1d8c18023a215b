"""Other apps' items in the curators' one moderation queue.

The queue (stories.moderation_views) lists stories and replies. An app above this one
(introductions: a reported introduction, a reported message) puts its own items in the
same queue by registering a section from its AppConfig.ready(): this app never imports
it, and the queue shows, pages and decides every item alike. Each decision is the
section's own service, which writes the shared audit log (stories.moderation
.audit_log_write) in its transaction, as meetings do."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .exceptions import ModerationError


@dataclass(frozen=True)
class QueueSection:
    #: The item's kind in the queue's targets ("kind:pk"); lower-case letters.
    kind: str
    #: The items waiting now, as rows (kind, pk, waiting_since): the union's shape.
    entries: Callable[[], QuerySet[Any]]
    #: What the queue shows of the items with these pks, by pk: a dict with at least
    #: "template" (rendered with `entry`), "key", "target" and "waiting_since".
    items: Callable[[list[int]], dict[int, dict]]
    #: A curator's decision: (*, curator, pk, action, reason) -> what was decided on
    #: (for the message), or None when the item is gone. Refusals raise StoryError.
    decide: Callable[..., str | None]
    #: The decisions it takes (values of ModerationKind).
    actions: tuple[str, ...]


_sections: dict[str, QueueSection] = {}


def register(section: QueueSection) -> None:
    _sections[section.kind] = section


def sections() -> list[QueueSection]:
    return list(_sections.values())


def section(kind: str) -> QueueSection | None:
    return _sections.get(kind)


def decide(*, kind: str, pk: int, curator: User, action: str, reason: str) -> str | None:
    """A decision on a registered item: the section's service."""
    found = _sections[kind]
    if action not in found.actions:
        raise ModerationError(_("Dat kan niet bij dit item."))
    return found.decide(curator=curator, pk=pk, action=action, reason=reason)
