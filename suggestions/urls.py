from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "suggestions"

urlpatterns = [
    path(
        _("hoofdstuk/<slug:slug>/voorstellen/"),
        views.chapter_suggestions,
        name="chapter",
    ),
    path(
        _("hoofdstuk/<slug:slug>/voorstellen/nieuw/"),
        views.suggestion_create,
        name="create",
    ),
    path(_("voorstellen/mijn/"), views.mine, name="mine"),
    path(_("voorstellen/toestemming/<str:token>/"), views.consent, name="consent"),
    path(_("voorstellen/<id:pk>/"), views.suggestion_detail, name="detail"),
    path(_("voorstellen/<id:pk>/reageren/"), views.respond, name="respond"),
    path(_("voorstellen/<id:pk>/melden/"), views.report, name="report"),
    path(_("voorstellen/<id:pk>/verwijderen/"), views.delete, name="delete"),
    path(_("redactie/voorstellen/"), views.board, name="board"),
    path(_("redactie/voorstellen/<id:pk>/status/"), views.decide, name="decide"),
    path(_("redactie/voorstellen/<id:pk>/moderatie/"), views.moderate, name="moderate"),
]
