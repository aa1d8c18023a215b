from django import forms
from django.utils.translation import gettext_lazy as _

from core.converters import BoundedModelMultipleChoiceField


class EditionForm(forms.Form):
    label = forms.CharField(
        label=_("Naam van de editie"),
        max_length=100,
        help_text=_("Bijvoorbeeld: Tussenstand 2027"),
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
        self.fields["stories"].queryset = candidates
