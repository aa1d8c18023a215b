from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from book.models import Chapter, ChapterRevision, Reader
from core.converters import BoundedModelMultipleChoiceField
from stories.models import Story

from .models import Kind, ResponseKind, SuggestionStatus

#: How many of the chapter's stories the form offers as evidence, newest first.
EVIDENCE_OFFERED = 30
NO_SECTION = _("Dit hoofdstuk heeft die paragraaf niet.")
NOT_READABLE = _("Je kunt alleen leerverhalen aanhalen die je zelf kunt lezen.")


class SuggestionForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Bij welke paragraaf?"), error_messages={"invalid_choice": NO_SECTION}
    )
    kind = forms.ChoiceField(
        label=_("Wat stel je voor?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies wat voor voorstel het is.")},
    )
    quote = forms.CharField(
        label=_("Geciteerde passage (niet verplicht)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-quote-target": ""}),
        help_text=_("Over welke zinnen gaat het? Typ of plak ze hier."),
    )
    proposed_text = forms.CharField(
        label=_("Voorgestelde tekst (bij een herschrijving)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    explanation = forms.CharField(
        label=_("Toelichting"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Waarom? Je kunt Markdown gebruiken: *schuin*, **vet**, [een link](https://…)."
        ),
    )
    evidence = BoundedModelMultipleChoiceField(
        label=_("Leerverhalen die het laten zien (niet verplicht)"),
        queryset=Story.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_READABLE, "invalid_pk_value": NOT_READABLE},
    )

    def __init__(self, *args, chapter: Chapter, user: Reader, **kwargs):
        super().__init__(*args, **kwargs)
        section = cast(forms.ChoiceField, self.fields["section"])
        section.choices = [(s["id"], s["title"]) for s in chapter.sections]
        offered = (
            Story.objects.visible_to(user)
            .filter(chapter=chapter)
            .order_by("-created_at", "-pk")
            .values_list("pk", "title")[:EVIDENCE_OFFERED]
        )
        self.fields["evidence"].widget.choices = list(offered)


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jouw reactie"),
        choices=ResponseKind.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies eens of ik zie het anders.")},
    )
    reason = forms.CharField(
        label=_("Waarom zie je het anders?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Wat klopt er niet?"), max_length=1000)


class FilterForm(forms.Form):
    """The filters of a chapter's suggestions; anything else reads as no filter."""

    paragraaf = forms.ChoiceField(label=_("Paragraaf"), required=False)
    soort = forms.ChoiceField(
        label=_("Soort"), choices=[("", _("Alle soorten")), *Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statussen")), *SuggestionStatus.choices],
        required=False,
    )

    def __init__(self, *args, sections: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        paragraaf = cast(forms.ChoiceField, self.fields["paragraaf"])
        paragraaf.choices = [("", _("Alle paragrafen")), *sections]


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Open en in behandeling")), *SuggestionStatus.choices],
        required=False,
    )
    hoofdstuk = forms.ModelChoiceField(
        label=_("Hoofdstuk"),
        queryset=Chapter.objects.in_order(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle hoofdstukken"),
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=SuggestionStatus.choices,
        error_messages={"invalid_choice": _("Kies een status.")},
    )
    answer = forms.CharField(
        label=_("Antwoord (voor iedereen te lezen)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    revision = forms.ModelChoiceField(
        label=_("Overgenomen in versie"),
        queryset=ChapterRevision.objects.none(),
        required=False,
        empty_label=_("Nog geen versie"),
        error_messages={"invalid_choice": _("Die versie hoort bij een ander hoofdstuk.")},
    )

    def __init__(self, *args, chapter: Chapter, **kwargs):
        super().__init__(*args, **kwargs)
        revision = cast(forms.ModelChoiceField, self.fields["revision"])
        revision.queryset = ChapterRevision.objects.filter(chapter=chapter).order_by("-number")


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", _("Goedkeuren")),
            ("hide", _("Verbergen")),
            ("restore", _("Terugzetten")),
        ]
    )
    reason = forms.CharField(label=_("Reden"), max_length=300, required=False)
