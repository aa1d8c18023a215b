from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "editions"

urlpatterns = [
    path(_("edities/"), views.edition_index, name="edition_index"),
    path(_("editie/<slug:slug>/"), views.edition_detail, name="edition"),
    path(_("editie/<slug:slug>/afdrukken/"), views.edition_print, name="edition_print"),
    path(_("editie/<slug:slug>/afdrukken.css"), views.edition_print_css, name="edition_print_css"),
    path(_("editie/<slug:slug>/epub/"), views.edition_epub, name="edition_epub"),
    path(_("editie/<slug:slug>/<slug:chapter>/"), views.edition_chapter, name="edition_chapter"),
    path(_("redactie/edities/"), views.edition_list, name="edition_list"),
    path(_("redactie/edities/<slug:slug>/"), views.edition_curate, name="edition_curate"),
    path(
        _("redactie/edities/<slug:slug>/publiceren/"),
        views.edition_publish_view,
        name="edition_publish",
    ),
]
