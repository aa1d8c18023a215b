from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Voorstellen")

    def ready(self):
        # Suggestions waiting for approval or reported, in the curators' one queue.
        from stories import moderation_queue

        from .moderation import SECTION

        moderation_queue.register(SECTION)
