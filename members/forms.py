from functools import partial
from typing import Self, cast

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from core.images import PhotoField
from core.pending_photos import PendingPhotoForm, pending_photo_field

from .models import BIO_MAX_LENGTH, DEDICATION_MAX_LENGTH, How, Profile, Role
from .ratelimit import photo_upload_take
from .services import MAX_BATCH_SIZE

#: The largest Membership.number (a PositiveIntegerField: PostgreSQL's 32-bit integer).
#: The database would refuse a larger one with an error, a 500: the form refuses it first.
MAX_MEMBER_NUMBER = 2**31 - 1


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
        error_messages={"max_length": _("Die naam is te lang. Gebruik hoogstens 200 tekens.")},
    )
    email = forms.EmailField(
        label=_("Zijn of haar e-mailadres (niet verplicht)"),
        max_length=254,
        required=False,
        help_text=_("Dan stuurt de site de uitnodiging. Zonder adres krijg je een link."),
        error_messages={
            "invalid": _("Dat is geen geldig e-mailadres."),
            "max_length": _("Dat is geen geldig e-mailadres."),
        },
    )
    dedication = forms.CharField(
        label=_("Een persoonlijke opdracht (niet verplicht)"),
        max_length=DEDICATION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Gewone tekst, hoogstens 500 tekens. Komt op de kaart van het nieuwe lid."),
        error_messages={"max_length": _("Je opdracht is te lang. Gebruik hoogstens 500 tekens.")},
    )
    chapter = forms.ModelChoiceField(
        label=_("Een hoofdstuk om mee te beginnen (niet verplicht)"),
        queryset=Chapter.objects.published(),
        required=False,
    )
    send_on = forms.DateField(
        label=_("Versturen op (niet verplicht)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leeg laten om meteen te versturen."),
        error_messages={"invalid": _("Dat is geen geldige datum.")},
    )


class MembershipAssignForm(forms.Form):
    """Admin: make an existing account a member, optionally with a chosen number."""

    email = forms.EmailField(label=_("E-mailadres van het account"))
    number = forms.IntegerField(
        label=_("Lidnummer"),
        min_value=1,
        max_value=MAX_MEMBER_NUMBER,
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


class ProfileForm(PendingPhotoForm, forms.ModelForm):
    """The member's profile. The photo goes through core.images (PhotoField):
    its cleaned value is a ProcessedPhoto, which the view hands to the service; the
    model's photo fields are not in Meta.fields, so the form never writes them. A photo
    chosen in a form that comes back with a mistake elsewhere waits as a pending photo
    (core.pending_photos), named by `pending_photo`."""

    photo = PhotoField(
        label=_("Nieuwe foto kiezen"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_(
            "JPEG, PNG, GIF, WebP en andere gangbare soorten, tot 10 MB. We maken er een "
            "nieuwe foto van en laten alles weg wat erin verstopt zit, zoals de plaats waar "
            "hij is genomen."
        ),
    )
    remove_photo = forms.BooleanField(label=_("Mijn foto verwijderen"), required=False)
    pending_photo = pending_photo_field()

    class Meta:
        model = Profile
        fields = ["display_name", "role", "bio", "visibility"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, uploader, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        photo = cast(PhotoField, self.fields["photo"])
        photo.before_decoding = partial(photo_upload_take, user=uploader)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", _("Zeg ik liever niet")),
            *Role.choices,
        ]
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        self.pending_photo_find(uploader=uploader)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean returns its cleaned_data
        self.pending_photo_check(cleaned)
        return cleaned

    def rebuilt(self, data: QueryDict) -> Self:
        return type(self)(data, instance=self.instance, uploader=self.uploader)
