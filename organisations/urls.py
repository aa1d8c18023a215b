from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "organisations"

urlpatterns = [
    path(
        _("gemeenten/"),
        views.organisation_list,
        {"municipalities": True},
        name="municipality_list",
    ),
    path(
        _("organisaties/"),
        views.organisation_list,
        {"municipalities": False},
        name="list",
    ),
    path(_("mijn-exemplaar/organisaties/"), views.affiliation_list, name="mine"),
    path(
        _("mijn-exemplaar/organisaties/<id:pk>/kiezen/"),
        views.affiliation_create,
        name="affiliation_create",
    ),
    path(
        _("mijn-exemplaar/organisaties/verbinding/<id:pk>/weg/"),
        views.affiliation_delete,
        name="affiliation_delete",
    ),
]
