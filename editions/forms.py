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
    """One page of the featured stories a draft edition may carry: `shown`, the page's
    stories (hidden fields), and `stories`, those of them ticked, as checkboxes grouped
    by chapter in the template."""

    shown = BoundedModelMultipleChoiceField(queryset=None, required=False)
    stories = BoundedModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("shown", "stories"):
            cast(BoundedModelMultipleChoiceField, self.fields[name]).queryset = candidates


class EditionStoriesFilterForm(forms.Form):
    """Which of the featured stories the curators' list shows (from the query string)."""

    ALL, CHOSEN, NOT_CHOSEN = "", "gekozen", "niet-gekozen"

    hoofdstuk: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Hoofdstuk"), queryset=None, required=False, empty_label=_("Alle hoofdstukken")
    )
    keuze = forms.ChoiceField(
        label=_("Keuze"),
        required=False,
        choices=[
            (ALL, _("Alle uitgelichte verhalen")),
            (CHOSEN, _("Gekozen")),
            (NOT_CHOSEN, _("Niet gekozen")),
        ],
    )

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = cast(forms.ModelChoiceField, self.fields["hoofdstuk"])
        chapter.queryset = chapters
        chapter.label_from_instance = lambda c: f"{c.number}. {c.title}"  # type: ignore[method-assign,assignment]

    def filter(self, candidates, edition):
        """`candidates` narrowed to what the fields ask for; a field with a value that
        is not one of its choices shows its error and narrows nothing."""
        self.is_valid()
        if self.cleaned_data.get("hoofdstuk"):
            candidates = candidates.filter(chapter=self.cleaned_data["hoofdstuk"])
        chosen = edition.selected_stories.values("pk")
        choice = self.cleaned_data.get("keuze")
        if choice == self.CHOSEN:
            candidates = candidates.filter(pk__in=chosen)
        elif choice == self.NOT_CHOSEN:
            candidates = candidates.exclude(pk__in=chosen)
        return candidates
