from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import agenda_views, mail_views, views

app_name = "meetings"

urlpatterns = [
    path(_("bijeenkomsten/"), views.meeting_list, name="list"),
    path(_("bijeenkomsten/agenda.ics"), views.calendar_feed, name="calendar"),
    path(
        _("bijeenkomsten/organisatie/<slug:slug>/agenda.ics"),
        views.organisation_calendar_feed,
        name="organisation_calendar",
    ),
    path(_("bijeenkomsten/nieuw/"), views.meeting_create, name="create"),
    path(_("bijeenkomsten/e-mail/"), mail_views.mail_settings, name="mail_settings"),
    path(
        _("bijeenkomsten/e-mail/uit/<slug:kind>/<str:token>/"),
        mail_views.unsubscribe,
        name="unsubscribe",
    ),
    path(_("bijeenkomsten/<slug:slug>/"), views.meeting_detail, name="detail"),
    path(_("bijeenkomsten/<slug:slug>.ics"), views.meeting_ics, name="ics"),
    path(_("bijeenkomsten/<slug:slug>/wijzigen/"), views.meeting_edit, name="edit"),
    path(_("bijeenkomsten/<slug:slug>/afgelasten/"), views.meeting_cancel, name="cancel"),
    path(_("bijeenkomsten/<slug:slug>/aanmelden/"), views.register, name="register"),
    path(_("bijeenkomsten/<slug:slug>/afmelden/"), views.unregister, name="unregister"),
    path(_("bijeenkomsten/<slug:slug>/agenda/"), agenda_views.item_add, name="item_add"),
    path(
        _("bijeenkomsten/<slug:slug>/agenda/<id:pk>/ook/"),
        agenda_views.item_support,
        name="item_support",
    ),
    path(
        _("bijeenkomsten/<slug:slug>/agenda/<id:pk>/stand/"),
        agenda_views.item_mark,
        name="item_mark",
    ),
    path(_("bijeenkomsten/<slug:slug>/nazit/"), agenda_views.note_add, name="note_add"),
    path(_("bijeenkomsten/<slug:slug>/aanwezig/"), agenda_views.attendance, name="attendance"),
    path(
        _("bijeenkomsten/<slug:slug>/nazit/<id:pk>/leerverhaal/"),
        agenda_views.note_story,
        name="note_story",
    ),
    path(_("redactie/bijeenkomsten/"), views.queue, name="queue"),
    path(_("redactie/bijeenkomsten/<slug:slug>/publiceren/"), views.publish, name="publish"),
]
