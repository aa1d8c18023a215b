"""What a new worker does before its first request (deploy/gunicorn.conf.py,
post_worker_init): import every view through the URL configuration, build its table for
reversing names into paths in each language, compile the site's templates into the cached
loader, and read the translation catalogues. Without it the
first reader after a deploy, or after each worker's planned restart (max_requests), pays
for all of that on top of the page: about a second for the first chapter page."""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def site_templates() -> list[str]:
    """The names of the templates in the project's template folders (not the admin's or
    other packages': the site's pages are what readers ask for)."""
    names = []
    for engine in settings.TEMPLATES:
        for folder in map(Path, engine.get("DIRS", [])):
            names += sorted(
                str(path.relative_to(folder)) for path in folder.rglob("*.html") if path.is_file()
            )
    return names


def warm() -> dict:
    """Do the work; return what was done (for the log and the test)."""
    started = time.monotonic()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - importing every view is the point
    compiled = 0
    for name in site_templates():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # a template only extended or included by name elsewhere: shown then
        compiled += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
            # Built per language on the first reverse() otherwise: a third of a second
            # of the first page after a restart.
            resolver.reverse_dict  # noqa: B018
    seconds = time.monotonic() - started
    logger.info("warm-up: %d templates compiled in %.2f s", compiled, seconds)
    return {"templates": compiled, "seconds": seconds}
