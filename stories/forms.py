import uuid
from collections.abc import Sequence
from functools import partial
from typing import Literal, Self, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from core.converters import BoundedModelMultipleChoiceField
from core.images import PhotoField, ProcessedPhoto
from core.pending_photos import PendingPhotoForm, pending_photo_field
from members.models import Role
from members.ratelimit import photo_upload_take
from organisations.forms import ParticipantFilterForm
from organisations.models import Organisation

from .models import NotificationSettings, Theme
from .search import SEARCH_MAX_LENGTH

BODY_HELP = _(
    "Vertel wat er gebeurde, wat je deed en wat je ervan leerde. Je kunt Markdown "
    "gebruiken: *schuin*, **vet**, lijstjes met een streepje, [een link](https://…)."
)


class StoryForm(PendingPhotoForm, forms.Form):
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
    # The photo chosen before this form was shown again (core.pending_photos).
    pending_photo = pending_photo_field()

    def __init__(
        self,
        *args,
        uploader,
        has_photo: bool = False,
        organisations: Sequence[Organisation] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        self.had_photo = has_photo
        self.initial_given = self.initial
        self.organisations = {str(o.pk): o for o in organisations}
        if len(self.organisations) > 1:
            # A member who belongs to several organisations says which one the story is
            # about; with one it is named by itself (stories.writing.story_organisation).
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Namens welke organisatie?"),
                choices=[("", _("Geen organisatie noemen"))]
                + [(pk, o.name) for pk, o in self.organisations.items()],
                required=False,
                widget=forms.RadioSelect,
                help_text=_("Het verhaal staat dan ook op de pagina van die organisatie."),
            )
            order = [name for name in self.fields if name != "organisation"]
            order.insert(order.index("municipality") + 1, "organisation")
            self.order_fields(order)
        cast(PhotoField, self.fields["photo"]).before_decoding = partial(
            photo_upload_take, user=uploader
        )
        themes = cast(forms.ModelMultipleChoiceField, self.fields["themes"]).queryset
        if themes is not None and not themes.exists():
            del self.fields["themes"]
        # Shown as the current photo, with the choice to remove or replace it.
        self.pending_photo_find(uploader=uploader)
        self.has_photo = has_photo or self.pending is not None

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # a form's clean returns its cleaned_data
        self.pending_photo_check(cleaned)
        photo = cleaned.get("photo")
        new_photo = isinstance(photo, ProcessedPhoto)
        keeps_photo = self.has_photo and photo is not False
        if (new_photo or keeps_photo) and not cleaned.get("photo_alt", "").strip():
            self.add_error("photo_alt", _("Beschrijf kort wat er op de foto staat."))
        return cleaned

    def rebuilt(self, data: QueryDict) -> Self:
        return type(self)(
            data,
            initial=self.initial_given,
            uploader=self.uploader,
            has_photo=self.had_photo,
            organisations=list(self.organisations.values()),
        )

    def organisation_chosen(self, otherwise: Literal["auto", "keep"]):
        """The organisation chosen (None: none), or `otherwise` when the form did not
        ask (the member belongs to one organisation or none)."""
        if "organisation" not in self.fields:
            return otherwise
        return self.organisations.get(self.cleaned_data.get("organisation") or "")

    def photo_shown(self):
        """The stored photo this form stands for now (kept from before, or the story's
        own), for the preview; None without one."""
        if not self.is_bound:
            return None
        self.is_valid()
        photo = self.cleaned_data.get("photo")
        return photo if hasattr(photo, "url") else None


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


class StoryFilterForm(ParticipantFilterForm):
    """The filters of "Nieuwste verhalen" (and the organisation and province the
    directory and search share). Every filter left empty shows everything."""

    field_order = ["hoofdstuk", "thema", "gemeente", "provincie", "rol"]

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
        fields = ["story_updates", "replies", "digest", "suggestions", "welcome", "newsletter"]


class SearchForm(ParticipantFilterForm):
    """The site's search box. A longer question is cut off rather than refused: what
    matters fits in the first words."""

    field_order = ["q", "provincie"]

    q = forms.CharField(
        label=_("Zoek in het boek en de verhalen"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": SEARCH_MAX_LENGTH}),
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:SEARCH_MAX_LENGTH]
