"""An edit of a published story that waits for a curator (StoryRevision): the readers
keep the published version until a curator approves the edit (stories.moderation).
Which edits wait is decided in stories.writing.story_update.

The model lives in its own module, which stories.models imports, so that models.py
stays readable in one sitting; it names the models it points at by their labels and
imports nothing from the app."""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op een curator")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")


class StoryRevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RevisionStatus.PENDING)

    def seen_by(self, user):
        """The revisions `user` may see: their own and, for curators, all of them.
        Readers see the published story only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(story__author__user=user)


class StoryRevision(models.Model):
    """What an author changed in a published story, held until a curator decides:
    the new title, text, municipality and photo (a new one, or its removal). Themes
    are chosen from the curators' own list and change at once. One pending revision a
    story: editing again replaces it."""

    story = models.ForeignKey(
        "stories.Story",
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("verhaal"),
    )
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("verhaal (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    photo_alt = models.CharField(_("beschrijving van de foto"), max_length=300, blank=True)
    photo = models.ImageField(_("nieuwe foto"), upload_to="stories/", blank=True)
    thumbnail = models.ImageField(upload_to="stories/", blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    remove_photo = models.BooleanField(_("foto verwijderen"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RevisionStatus.choices,
        default=RevisionStatus.PENDING,
    )
    created_at = models.DateTimeField(_("bewerkt op"), default=timezone.now)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("curator"),
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)

    objects = StoryRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("bewerking")
        verbose_name_plural = _("bewerkingen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["story"],
                condition=Q(status="pending"),
                name="story_one_pending_revision",
            )
        ]

    def __str__(self):
        return self.title

    def diff(self) -> list["DiffLine"]:
        """The published story against this revision, line by line (title first)."""
        return text_diff(f"{self.story.title}\n\n{self.story.body}", f"{self.title}\n\n{self.body}")


@dataclass(frozen=True)
class DiffLine:
    #: "same", "removed" or "added"
    change: str
    text: str


DIFF_CHANGES = {" ": "same", "-": "removed", "+": "added"}


def text_diff(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """The lines that changed from `old` to `new`, with `context` unchanged lines around
    them and a "gap" between distant changes, as plain text: the template escapes it
    like any other text."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), n=context, lineterm=""))
    diff: list[DiffLine] = []
    # The first two lines name the files; each "@@" line starts a hunk.
    for line in lines[2:]:
        if line.startswith("@@"):
            if diff:
                diff.append(DiffLine("gap", ""))
        else:
            diff.append(DiffLine(DIFF_CHANGES[line[:1] or " "], line[1:]))
    return diff
