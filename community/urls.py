from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from book import views as book_views
from community import curation_views
from community import views as community_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", community_views.healthz, name="healthz"),
    path("favicon.ico", community_views.favicon, name="favicon"),
]

urlpatterns += i18n_patterns(
    path("", book_views.home, name="home"),
    path("", include("book.urls")),
    path("", include("members.urls")),
    path("", include("stories.urls")),
    path("accounts/", include("allauth.urls")),
    path(_("redactie/"), curation_views.index, name="curation"),
    path(_("redactie/statistieken/"), curation_views.statistics_page, name="statistics"),
    path(
        _("redactie/statistieken/<slug:table>.csv"),
        curation_views.statistics_csv,
        name="statistics_csv",
    ),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
