from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "book"

urlpatterns = [
    path(_("colofon/"), views.colophon, name="colophon"),
    path(_("verder-lezen/"), views.reading_position, name="reading_position"),
]
