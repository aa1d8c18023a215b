from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Role
from organisations.forms import ParticipantFilterForm

from .privacy import STORIES_DELETE, STORIES_KEEP


class DirectoryFilterForm(ParticipantFilterForm):
    """The filters above the member wall; sent with GET, so they work without script
    and end up in the address to share or bookmark."""

    field_order = ["role", "provincie"]

    role = forms.ChoiceField(
        label=_("Rol"), required=False, choices=[("", _("Alle rollen")), *Role.choices]
    )


class AccountDeleteForm(forms.Form):
    """The confirmation step before an account is deleted: typing one's own e-mail
    address is a deliberate act that a stray click is not."""

    email = forms.CharField(
        label=_("Typ je e-mailadres ter bevestiging"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    stories = forms.ChoiceField(
        label=_("Wat gebeurt er met je verhalen en reacties?"),
        choices=[
            (
                STORIES_KEEP,
                _("Laat ze staan, zonder mijn naam: er staat dan “een oud-lid” bij."),
            ),
            (STORIES_DELETE, _("Verwijder ze, met de reacties van anderen eronder.")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, user, has_writing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.has_writing = has_writing
        if has_writing:
            self.fields["stories"].required = True
            self.fields["stories"].error_messages["required"] = _(
                "Kies wat er met je verhalen en reacties gebeurt."
            )
        else:
            del self.fields["stories"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.casefold() != (self.user.email or "").casefold():
            raise forms.ValidationError(
                _("Dat is niet het e-mailadres van je account. Typ het precies over."),
                code="mismatch",
            )
        return email

    def clean_stories(self):
        return self.cleaned_data.get("stories") or STORIES_KEEP
