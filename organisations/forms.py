from django import forms
from django.utils.translation import gettext_lazy as _

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
