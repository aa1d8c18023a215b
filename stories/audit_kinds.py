"""What the audit log (stories.models.ModerationAction) records: the decisions, and the
kinds of item they are about, this app's and those of the apps above it (meetings,
introductions), which the log names by kind and id alone."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationKind(models.TextChoices):
    APPROVE = "approve", _("Goedgekeurd")
    FEATURE = "feature", _("Uitgelicht")
    UNFEATURE = "unfeature", _("Niet meer uitgelicht")
    HIDE = "hide", _("Verborgen")
    AUTO_HIDE = "auto_hide", _("Automatisch verborgen na meldingen")
    RESTORE = "restore", _("Teruggezet")
    DISMISS = "dismiss", _("Meldingen afgewezen")
    APPROVE_EDIT = "approve_edit", _("Bewerking goedgekeurd")
    REJECT_EDIT = "reject_edit", _("Bewerking afgewezen")
    CANCEL = "cancel", _("Afgelast")
    KEEP_STOPPED = "keep_stopped", _("Niet meer voorgesteld na melding")


class TargetType(models.TextChoices):
    STORY = "story", _("verhaal")
    REPLY = "reply", _("reactie")
    MEETING = "meeting", _("bijeenkomst")
    INTRODUCTION = "introduction", _("kennismaking")
    MESSAGE = "message", _("bericht")
