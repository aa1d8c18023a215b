from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground every app stands on: the Markdown sanitiser, the photo pipeline, the
    page cache and prepared queries, exports, logging, e-mail tasks, sessions, charts,
    the curators' role and the health check. It imports no app of the site."""

    name = "core"
    verbose_name = "Core"
