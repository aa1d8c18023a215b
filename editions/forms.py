from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.converters import BoundedModelMultipleChoiceField

from .models import edition_slug_validator


class EditionForm(forms.Form):
    label = forms.CharField(
        label=_("Naam van de editie"),
        max_length=100,
        help_text=_("Bijvoorbeeld: Tussenstand 2027"),
    )
    slug = forms.CharField(
        label=_("Webadres"),
        max_length=100,
        required=False,
        help_text=_(
            "Het laatste deel van het adres van de editie, zoals tussenstand-2027. "
            "Leeg laten: gemaakt uit de naam."
        ),
        validators=[edition_slug_validator],
    )
    date = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    notes = forms.CharField(
        label=_("Notities van de redactie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class EditionStoriesForm(forms.Form):
    """The featured stories a draft edition carries, as checkboxes grouped by chapter
    in the template."""

    stories = BoundedModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        cast(BoundedModelMultipleChoiceField, self.fields["stories"]).queryset = candidates
