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
]
