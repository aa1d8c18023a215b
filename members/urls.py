from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import invitation_views, views

app_name = "members"

urlpatterns = [
    path(_("exemplaar/"), views.claim, name="claim"),
    path(_("exemplaar/welkom/"), views.welcome, name="welcome"),
    path(_("exemplaar/code/"), views.code_enter, name="code_enter"),
    path(_("exemplaar/code/<str:code>/"), views.code_claim, name="code_claim"),
    path(_("mijn-exemplaar/"), views.membership_mine, name="mine"),
    path(_("mijn-exemplaar/uitnodigen/"), views.invitation_create, name="invitation_create"),
    path(_("uitnodiging/<str:token>/"), views.invitation_accept, name="invitation"),
    path(
        _("mijn-exemplaar/uitnodiging/<str:token>/kaart/"),
        invitation_views.invitation_print,
        name="invitation_print",
    ),
    path(
        _("niet-meer-uitnodigen/<str:token>/"),
        invitation_views.do_not_invite,
        name="do_not_invite",
    ),
    path(_("mijn-exemplaar/doorgeefketen/"), invitation_views.chain_mine, name="chain"),
    path(_("mijn-exemplaar/profiel/"), views.profile_edit, name="profile"),
    path(_("mijn-exemplaar/kaart/"), views.card, name="card"),
    path(_("mijn-exemplaar/kaart/nieuwe-link/"), views.card_renew, name="card_renew"),
    path(_("kaart/<str:token>/"), views.card_shared, name="card_shared"),
    path(_("kaart/<str:token>.png"), views.card_image, name="card_image"),
]
