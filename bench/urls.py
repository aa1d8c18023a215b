"""The site's URLs plus the baseline view. A copy of the list rather than include():
the site's patterns use i18n_patterns, which only works in a root URLconf."""

from django.urls import path

from community.urls import urlpatterns as site_urlpatterns

from .views import baseline

urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *site_urlpatterns]
