from django.apps import AppConfig
from django.urls import register_converter

from .converters import IdConverter


class CoreConfig(AppConfig):
    """The ground every app stands on: the Markdown sanitiser, the photo pipeline, the
    cache (core.cache) and prepared queries, exports, logging, e-mail tasks, sessions,
    charts, the curators' role and the health check. It imports no app of the site."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Before any URLconf is read: the apps' urls.py write `<id:pk>` (core.converters).
        register_converter(IdConverter, "id")
