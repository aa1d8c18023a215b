from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.converters import BoundedModelMultipleChoiceField
from members.forms import MAX_MEMBER_NUMBER
from stories.models import Story, Theme

from .models import MESSAGE_MAX_LENGTH, QUESTION_MAX_LENGTH, Format, Frequency, Reach


class ParticipationForm(forms.Form):
    takes_part = forms.BooleanField(
        label=_("Ja, stel mij voor aan leden die ik verder kan helpen of die mij verder helpen"),
        required=False,
    )
    knows = BoundedModelMultipleChoiceField(
        label=_("Hier weet ik iets van"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seeks = BoundedModelMultipleChoiceField(
        label=_("Hier zoek ik iemand voor"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("Een vraag waar ik mee zit (niet verplicht)"),
        max_length=QUESTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
        help_text=_("Hoogstens 280 tekens. Wie aan je wordt voorgesteld, leest deze vraag."),
    )
    frequency = forms.ChoiceField(
        label=_("Hoe vaak"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    format = forms.ChoiceField(label=_("Hoe"), choices=Format.choices, widget=forms.RadioSelect)
    reach = forms.ChoiceField(
        label=_("Met wie"),
        choices=Reach.choices,
        widget=forms.RadioSelect,
        help_text=_("Je gemeente is die in je profiel."),
    )
    paused_until = forms.DateField(
        label=_("Even niet, tot en met (niet verplicht)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    message_emails = forms.BooleanField(
        label=_("Stuur me een e-mail als iemand me een bericht stuurt in een gesprek"),
        required=False,
    )

    def clean_paused_until(self):
        value = self.cleaned_data["paused_until"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("Kies een datum vanaf vandaag, of laat het veld leeg."))
        return value

    def clean(self):
        data = super().clean() or {}
        if data.get("takes_part") and not (data.get("knows") or data.get("seeks")):
            raise forms.ValidationError(
                _(
                    "Kies minstens één onderwerp waar je iets van weet of iemand voor zoekt: "
                    "daarop stellen we je voor."
                )
            )
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", _("Ja, graag")), ("no", _("Nu liever niet"))])


class MetForm(forms.Form):
    met = forms.ChoiceField(choices=[("yes", _("Ja")), ("no", _("Nee"))])


class RequestForm(forms.Form):
    note = forms.CharField(
        label=_("Waarom wil je deze persoon leren kennen?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text=_("Eén of twee zinnen; de ander leest ze bij het voorstel."),
    )


class CuratorIntroductionForm(forms.Form):
    first = forms.IntegerField(label=_("Lidnummer"), min_value=1, max_value=MAX_MEMBER_NUMBER)
    second = forms.IntegerField(
        label=_("Lidnummer van de ander"), min_value=1, max_value=MAX_MEMBER_NUMBER
    )
    note = forms.CharField(
        label=_("Persoonlijke toelichting"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Je bericht"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX_LENGTH}),
        help_text=_("Alleen jullie tweeën lezen dit gesprek. Markdown mag: *schuin*, **vet**."),
    )


class CoauthorInviteForm(forms.Form):
    story = forms.ModelChoiceField(
        label=_("Welk verhaal?"),
        queryset=Story.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Kies een verhaal van jezelf.")},
    )

    def __init__(self, *args, stories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stories is not None:
            field = self.fields["story"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = stories
