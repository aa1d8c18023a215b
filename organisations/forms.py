from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.converters import bounded_id
from core.images import PhotoField

from .models import Kind, Organisation, Province, Relation

SEARCH_RESULTS = 10
QUERY_MAX_LENGTH = 100


def organisation_search(query_dict) -> tuple[str, list[Organisation] | None]:
    """The search step of the pages that choose an organisation: the query typed (`q`)
    and the first few organisations it finds, or None when nothing was asked."""
    query = query_dict.get("q", "").strip()[:QUERY_MAX_LENGTH]
    if not query:
        return query, None
    return query, list(Organisation.objects.search(query)[:SEARCH_RESULTS])


class ParticipantFilterForm(forms.Form):
    """The filters by organisation and province that the member directory, "Nieuwste
    verhalen" and search share (GET, combined with each page's own filters). The
    organisation is an id (links from its page and from the lists set it, never a select
    of hundreds) shown as a chip to remove; the province a select. An id that is no
    current organisation is a clear error, and the page then shows nothing."""

    organisatie = forms.CharField(required=False, widget=forms.HiddenInput)
    provincie = forms.ChoiceField(
        label=_("Provincie"),
        required=False,
        choices=[("", _("Alle provincies")), *Province.choices],
    )

    def clean_organisatie(self) -> Organisation | None:
        value = self.cleaned_data["organisatie"].strip()
        if not value:
            return None
        pk = bounded_id(value)
        organisation = Organisation.objects.current().filter(pk=pk).first() if pk else None
        if organisation is None:
            # A hidden field's error would be shown with its technical name: said above
            # the form instead.
            self.add_error(None, _("Deze organisatie kennen we niet (meer)."))
        return organisation

    def chosen_organisation(self) -> Organisation | None:
        """The organisation filtered by, for its chip."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get("organisatie")

    def query_without_organisation(self) -> str:
        """The query string of this page without the organisation: the chip's link."""
        data = cast(QueryDict, self.data).copy()
        data.pop(self.add_prefix("organisatie"), None)
        data.pop("pagina", None)
        return data.urlencode()

    def participant_filters(self) -> dict:
        """The chosen organisation and province, for the page's named read."""
        return {
            "organisation": self.cleaned_data.get("organisatie"),
            "province": self.cleaned_data.get("provincie") or "",
        }


class OrganisationFilterForm(forms.Form):
    soort = forms.ChoiceField(
        label=_("Soort"), required=False, choices=[("", _("Alle soorten")), *Kind.choices]
    )
    provincie = forms.ChoiceField(
        label=_("Provincie"),
        required=False,
        choices=[("", _("Alle provincies")), *Province.choices],
    )

    def __init__(self, *args, kind_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if kind_fixed:
            del self.fields["soort"]


class JoinForm(forms.Form):
    """How a member who joins (or is already a member) belongs to the organisation."""

    relation = forms.ChoiceField(label=_("Ik"), choices=Relation.choices, initial=Relation.LIVES)
    public = forms.BooleanField(
        label=_("Laat andere leden zien dat ik erbij hoor"), required=False, initial=True
    )


class OrganisationEditForm(forms.ModelForm):
    """What coordinators edit on their organisation's page. The logo goes through
    core.images (PhotoField); the model's logo fields are not in Meta.fields."""

    new_logo = PhotoField(label=_("Nieuw logo"), required=False)
    remove_logo = forms.BooleanField(label=_("Logo weghalen"), required=False)

    class Meta:
        model = Organisation
        fields = ["description", "learning_question", "website"]


class CoordinatorForm(forms.Form):
    number = forms.IntegerField(label=_("Lidnummer"), min_value=1, max_value=2**31 - 1)


class OrganisationBatchForm(forms.Form):
    label = forms.CharField(label=_("Naam"), max_length=200)
    size = forms.IntegerField(label=_("Aantal codes"), min_value=1, max_value=10_000)
