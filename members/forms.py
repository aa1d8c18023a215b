from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import How
from .services import MAX_BATCH_SIZE


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("De code uit je boek"),
        max_length=40,
        help_text=_("Zestien tekens, bijvoorbeeld 7KQ4-M2XD-9TRA-5B1C. Streepjes mogen weg."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class InvitationForm(forms.Form):
    name = forms.CharField(
        label=_("Voor wie is de uitnodiging? (niet verplicht)"),
        max_length=200,
        required=False,
        help_text=_("Alleen jij ziet deze naam, zodat je weet aan wie je het boek doorgaf."),
    )


class MembershipAssignForm(forms.Form):
    """Admin: make an existing account a member, optionally with a chosen number."""

    email = forms.EmailField(label=_("E-mailadres van het account"))
    number = forms.IntegerField(
        label=_("Lidnummer"),
        min_value=1,
        required=False,
        help_text=_("Leeg laten voor het volgende nummer. Een gekozen nummer moet vrij zijn."),
    )
    how = forms.ChoiceField(label=_("Hoe"), choices=How.choices, initial=How.DIGITAL)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("Er is geen account met dit e-mailadres."))
        self.cleaned_data["user"] = user
        return email


class CodeBatchCreateForm(forms.Form):
    label = forms.CharField(
        label=_("Naam"), max_length=200, help_text=_("Bijvoorbeeld: Eerste druk, maart 2026")
    )
    size = forms.IntegerField(label=_("Aantal codes"), min_value=1, max_value=MAX_BATCH_SIZE)
    notes = forms.CharField(label=_("Notities"), required=False, widget=forms.Textarea)
