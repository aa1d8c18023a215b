import uuid
from functools import partial
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from core.converters import BoundedModelMultipleChoiceField
from core.images import PhotoField
from members.models import Role
from members.ratelimit import photo_upload_take

from .models import NotificationSettings, Theme
from .search import SEARCH_MAX_LENGTH

BODY_HELP = _(
    "Vertel wat er gebeurde, wat je deed en wat je ervan leerde. Je kunt Markdown "
    "gebruiken: *schuin*, **vet**, lijstjes met een streepje, [een link](https://…)."
)


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    body = forms.CharField(
        label=_("Je verhaal"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20_000,
        help_text=BODY_HELP,
    )
    themes = BoundedModelMultipleChoiceField(
        label=_("Thema's"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.CharField(
        label=_("Gemeente"),
        max_length=100,
        required=False,
        help_text=_("Waar speelde dit verhaal? Laat leeg als je dat liever niet zegt."),
    )
    photo = PhotoField(label=_("Foto (niet verplicht)"), required=False)
    photo_alt = forms.CharField(
        label=_("Wat staat er op de foto?"),
        max_length=300,
        required=False,
        help_text=_("Voor wie de foto niet kan zien."),
    )
    # Made when the empty form is shown and sent back with every submit of it: a second
    # submit of the same form finds the story the first one made.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, uploader, has_photo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_photo = has_photo
        photo = cast(PhotoField, self.fields["photo"])
        photo.before_decoding = partial(photo_upload_take, user=uploader)
        themes = cast(forms.ModelMultipleChoiceField, self.fields["themes"]).queryset
        if themes is not None and not themes.exists():
            del self.fields["themes"]

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean returns its cleaned_data
        photo = cleaned.get("photo")
        new_photo = photo not in (None, False) and not hasattr(photo, "url")
        keeps_photo = self.has_photo and photo is not False
        if (new_photo or keeps_photo) and not cleaned.get("photo_alt", "").strip():
            self.add_error("photo_alt", _("Beschrijf kort wat er op de foto staat."))
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Je reactie"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Wat is er niet in orde?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1_000,
        help_text=_("Alleen de curatoren lezen dit."),
    )


class StoryFilterForm(forms.Form):
    """The filters of "Nieuwste verhalen". Role only appears when members have a
    profile with a role; every filter left empty shows everything."""

    hoofdstuk = forms.ModelChoiceField(
        label=_("Hoofdstuk"),
        queryset=Chapter.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle hoofdstukken"),
    )
    thema = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle thema's"),
    )
    gemeente = forms.CharField(label=_("Gemeente"), max_length=100, required=False)

    rol = forms.ChoiceField(
        label=_("Rol"), choices=[("", _("Alle rollen")), *Role.choices], required=False
    )

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["hoofdstuk"]).queryset = chapters


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["story_updates", "replies", "digest"]


class SearchForm(forms.Form):
    """The site's search box. A longer question is cut off rather than refused: what
    matters fits in the first words."""

    q = forms.CharField(
        label=_("Zoek in het boek en de verhalen"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": SEARCH_MAX_LENGTH}),
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:SEARCH_MAX_LENGTH]
