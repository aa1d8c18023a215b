from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntroductionsConfig(AppConfig):
    name = "introductions"
    verbose_name = _("Kennismakingen")

    def ready(self):
        # Reports of introductions and messages in the curators' one moderation queue.
        from stories import moderation_queue

        from .moderation import SECTIONS

        for section in SECTIONS:
            moderation_queue.register(section)
