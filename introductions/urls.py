from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "introductions"

urlpatterns = [
    path(_("kennismakingen/"), views.mine, name="mine"),
    path(_("kennismakingen/wie-doet-mee/"), views.participants, name="participants"),
    path(_("kennismakingen/instellingen/"), views.participation_settings, name="settings"),
    path(_("kennismakingen/<id:pk>/"), views.detail, name="detail"),
    path(_("kennismakingen/<id:pk>/antwoord/"), views.answer, name="answer_here"),
    path(_("kennismakingen/<id:pk>/gesproken/"), views.met, name="met"),
    path(_("kennismakingen/<id:pk>/ongepast/"), views.report, name="report"),
    path(_("kennismakingen/<id:pk>/blokkeren/"), views.block, name="block"),
    path(_("kennismakingen/<id:pk>/gesprek/"), views.thread, name="thread"),
    path(_("kennismakingen/<id:pk>/samen-schrijven/"), views.coauthor_invite, name="coauthor"),
    path(
        _("kennismakingen/mede-auteur/<id:pk>/antwoord/"),
        views.coauthor_answer,
        name="coauthor_answer",
    ),
    path(
        _("kennismakingen/berichten/<id:pk>/ongepast/"),
        views.message_report,
        name="message_report",
    ),
    path(_("kennismakingen/antwoord/<str:token>/"), views.answer_by_link, name="answer"),
    path(_("kennismakingen/afmelden/<str:token>/"), views.stop, name="stop"),
    path(
        _("kennismakingen/berichten-afmelden/<str:token>/"),
        views.stop_messages,
        name="stop_messages",
    ),
    path(_("kennismakingen/vraag/<id:number>/"), views.request_introduction, name="request"),
    path(_("redactie/kennismakingen/"), views.curation, name="curation"),
]
