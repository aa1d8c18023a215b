from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import coordination_views, views

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
    path(_("organisaties/<slug:slug>/beheer/"), coordination_views.coordinate, name="coordinate"),
    path(
        _("organisaties/<slug:slug>/beheer/pagina/"),
        coordination_views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/verbindingen/<id:pk>/bevestigen/"),
        coordination_views.affiliation_decide,
        {"verify": True},
        name="affiliation_verify",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/verbindingen/<id:pk>/weg/"),
        coordination_views.affiliation_decide,
        {"verify": False},
        name="affiliation_remove",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/coordinatoren/"),
        coordination_views.coordinator_add,
        name="coordinator_add",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/reeksen/"),
        coordination_views.batch_create,
        name="batch_create",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/reeksen/<id:pk>.csv"),
        coordination_views.batch_export_csv,
        name="batch_csv",
    ),
    path(
        _("organisaties/<slug:slug>/beheer/reeksen/<id:pk>/etiketten/"),
        coordination_views.batch_export_labels,
        name="batch_labels",
    ),
]
