from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, Province, Relation


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
