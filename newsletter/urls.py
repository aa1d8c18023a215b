from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "newsletter"

urlpatterns = [
    path(_("nieuws/"), views.archive, name="archive"),
    path(_("nieuws/<id:pk>/"), views.issue, name="issue"),
    path(_("redactie/nieuws/"), views.curation, name="curation"),
    path(_("redactie/nieuws/nieuw/"), views.issue_edit, name="create"),
    path(_("redactie/nieuws/<id:pk>/"), views.issue_edit, name="edit"),
]
