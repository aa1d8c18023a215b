from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "members"

urlpatterns = [
    path(_("exemplaar/"), views.claim, name="claim"),
    path(_("exemplaar/welkom/"), views.welcome, name="welcome"),
    path(_("exemplaar/code/"), views.code_enter, name="code_enter"),
    path(_("exemplaar/code/<str:code>/"), views.code_claim, name="code_claim"),
    path(_("mijn-exemplaar/"), views.membership_mine, name="mine"),
    path(_("mijn-exemplaar/uitnodigen/"), views.invitation_create, name="invitation_create"),
    path(_("uitnodiging/<str:token>/"), views.invitation_accept, name="invitation"),
]
