import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from community import (
    account_views,
    chapter_text_views,
    coauthor_views,
    curation_views,
    directory,
    media_views,
    meeting_match_views,
    organisation_views,
    privacy_views,
    views,
)
from core import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Uploads keep their MEDIA_URL addresses; each is checked against its page's rule.
    re_path(
        r"^{}(?P<path>.+)$".format(re.escape(settings.MEDIA_URL.lstrip("/"))),
        media_views.upload,
        name="upload",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(_("hoofdstuk/<slug:slug>/"), views.chapter_detail, name="chapter"),
    path(
        _("hoofdstuk/<slug:slug>/versies/"),
        chapter_text_views.chapter_history,
        name="chapter_history",
    ),
    path(
        _("hoofdstuk/<slug:slug>/versies/<id:old>/<id:new>/"),
        chapter_text_views.chapter_compare,
        name="chapter_compare",
    ),
    path("", include("book.urls")),
    path("", include("editions.urls")),
    path("", include("members.urls")),
    path(_("leden/"), directory.directory, name="directory"),
    path("", include("stories.urls")),
    path(
        _("verhalen/<id:pk>/samen-geschreven/"),
        coauthor_views.story_coauthors,
        name="story_coauthors",
    ),
    path(
        _("verhalen/<id:pk>/samen-geschreven/mijn-naam-eraf/"),
        coauthor_views.story_coauthor_withdraw,
        name="story_coauthor_withdraw",
    ),
    path(
        _("verhalen/<id:pk>/samen-geschreven/<id:coauthor>/eraf/"),
        coauthor_views.story_coauthor_remove,
        name="story_coauthor_remove",
    ),
    path("", include("organisations.urls")),
    path(_("gemeenten/<slug:slug>/"), organisation_views.organisation_detail, name="municipality"),
    path(
        _("organisaties/<slug:slug>/"),
        organisation_views.organisation_detail,
        name="organisation",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/statistieken/"),
        organisation_views.organisation_statistics,
        name="organisation_statistics",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/statistieken/<slug:table>.csv"),
        organisation_views.organisation_statistics_csv,
        name="organisation_statistics_csv",
    ),
    path(
        _("organisaties/<slug:slug>/lid-worden/"),
        organisation_views.organisation_join,
        name="organisation_join",
    ),
    path(
        _("bijeenkomsten/<slug:slug>/terugzien/"),
        meeting_match_views.meeting_see_again,
        name="meeting_see_again",
    ),
    path("", include("meetings.urls")),
    path("", include("introductions.urls")),
    path("", include("newsletter.urls")),
    path("", include("suggestions.urls")),
    path(
        _("accounts/bevestiging-opnieuw/"),
        account_views.email_confirmation_resend,
        name="email_confirmation_resend",
    ),
    path("accounts/", include("allauth.urls")),
    path(_("privacy/"), privacy_views.privacy, name="privacy"),
    path(_("mijn-gegevens/"), privacy_views.data, name="data"),
    path(_("mijn-gegevens/download/"), privacy_views.data_download, name="data_download"),
    path(_("mijn-gegevens/verwijderen/"), privacy_views.account_delete, name="account_delete"),
    path(_("contact/"), views.contact, name="contact"),
    path(_("redactie/"), curation_views.index, name="curation"),
    path(_("redactie/statistieken/"), curation_views.statistics_page, name="statistics"),
    path(
        _("redactie/statistieken/<slug:table>.csv"),
        curation_views.statistics_csv,
        name="statistics_csv",
    ),
    path(
        _("redactie/hoofdstukken/"), chapter_text_views.chapter_text_list, name="chapter_text_list"
    ),
    path(
        _("redactie/hoofdstukken/<slug:slug>/"),
        chapter_text_views.chapter_text_edit,
        name="chapter_text_edit",
    ),
    path(_("redactie/onbekende-namen/"), curation_views.unmatched_names, name="unmatched_names"),
    path(
        _("redactie/onbekende-namen/<id:pk>/koppelen/"),
        curation_views.unmatched_name_map,
        name="unmatched_name_map",
    ),
    path(
        _("redactie/onbekende-namen/<id:pk>/aanmaken/"),
        curation_views.unmatched_name_create,
        name="unmatched_name_create",
    ),
    prefix_default_language=False,
)
