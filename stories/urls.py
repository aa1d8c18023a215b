from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, following_views, moderation_views, views, writing_views

app_name = "stories"

urlpatterns = [
    path(_("verhalen/"), views.story_latest, name="latest"),
    path(_("verhalen/feed/"), feeds.story_feed, name="feed"),
    path(_("verhalen/mijn/"), views.story_mine, name="mine"),
    path(_("verhalen/schrijven/<slug:chapter_slug>/"), writing_views.story_create, name="create"),
    path(_("verhalen/<id:pk>/"), views.story_redirect, name="redirect"),
    path(_("verhalen/<id:pk>-<slug:slug>/"), views.story_detail, name="detail"),
    path(_("verhalen/<id:pk>/bewerken/"), writing_views.story_edit, name="edit"),
    path(_("verhalen/<id:pk>/verwijderen/"), writing_views.story_delete, name="delete"),
    path(_("verhalen/<id:pk>/waardering/"), writing_views.reaction_toggle, name="react"),
    path(_("verhalen/<id:pk>/reageren/"), writing_views.reply_create, name="reply"),
    path(_("verhalen/<id:pk>/melden/"), writing_views.story_report, name="report"),
    path(_("reacties/<id:pk>/bewerken/"), writing_views.reply_edit, name="reply_edit"),
    path(_("reacties/<id:pk>/verwijderen/"), writing_views.reply_delete, name="reply_delete"),
    path(_("reacties/<id:pk>/melden/"), writing_views.reply_report, name="reply_report"),
    path(_("hoofdstuk/<slug:slug>/verhalen/feed/"), feeds.chapter_story_feed, name="chapter_feed"),
    path(_("redactie/moderatie/"), moderation_views.queue, name="moderation_queue"),
    path(_("redactie/moderatie/beslissen/"), moderation_views.decide, name="moderation_decide"),
    path(_("redactie/moderatie/meerdere/"), moderation_views.decide_bulk, name="moderation_bulk"),
    path(_("redactie/logboek/"), moderation_views.log, name="moderation_log"),
    path(_("hoofdstuk/<slug:slug>/volgen/"), following_views.chapter_follow, name="follow"),
    path(_("verhalen/meldingen/"), following_views.notification_settings, name="notifications"),
    path(
        _("verhalen/afmelden/<slug:kind>/<str:token>/"),
        following_views.unsubscribe,
        name="unsubscribe",
    ),
    path(_("zoeken/"), views.search, name="search"),
]
