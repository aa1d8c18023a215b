"""The production settings plus one URL: a minimal view through the same middleware
(bench.urls), the baseline the pages are compared with. Only `make bench` uses this
module, so the site itself never has that view."""

from community.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
