"""A new worker compiles the site's templates before its first request
(core/warmup.py, called by deploy/gunicorn.conf.py)."""

import runpy
from pathlib import Path

import pytest
from django.template import engines
from django.urls import URLResolver, clear_url_caches, reverse
from django.utils import translation

from core.warmup import site_templates, warm

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def cached_loader(settings):
    """The template cache production has (the cached loader over the folders)."""
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0].get("OPTIONS", {}),
                "loaders": [
                    (
                        "django.template.loaders.cached.Loader",
                        ["django.template.loaders.filesystem.Loader"],
                    )
                ],
            },
        }
    ]
    loader = engines["django"].engine.template_loaders[0]
    assert not loader.get_template_cache
    return loader


def test_every_site_template_compiles_at_warm_up():
    names = site_templates()
    assert "base.html" in names and len(names) > 50
    assert warm()["templates"] == len(names)


def test_gunicorn_warms_each_worker_before_its_first_request(cached_loader):
    config = runpy.run_path(str(GUNICORN_CONF))
    config["post_worker_init"](worker=None)
    assert {"base.html", "book/chapter_detail.html"} <= set(cached_loader.get_template_cache)


def test_warm_up_builds_the_reverse_table_in_every_language(settings, monkeypatch):
    """Without it the first reverse() in each language builds the table: a third of a
    second of the first page after a restart."""
    clear_url_caches()
    warm()
    built_again = []
    real_populate = URLResolver._populate
    monkeypatch.setattr(
        URLResolver, "_populate", lambda self: built_again.append(self) or real_populate(self)
    )
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert reverse("home")
    assert built_again == []
    clear_url_caches()
    with translation.override(settings.LANGUAGES[-1][0]):
        reverse("home")
    assert built_again, "the spy sees a table built"
