from functools import partial
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from book.models import Access, Chapter
from core.converters import BoundedModelMultipleChoiceField
from core.images import PhotoField
from members.ratelimit import photo_upload_take
from organisations.models import Organisation, Province

from .models import AgendaState, Meeting, MeetingMailSettings
from .services import MeetingDetails

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ParkedItemsField(BoundedModelMultipleChoiceField):
    """Parked agenda items (AgendaItemQuerySet.for_display), each with its support."""

    def label_from_instance(self, obj):
        count = getattr(obj, "support_count", 0)
        return ngettext(
            "%(title)s (%(count)s wil dit ook bespreken)",
            "%(title)s (%(count)s willen dit ook bespreken)",
            count,
        ) % {"title": obj.title, "count": count}


class MeetingForm(forms.Form):
    """What a meeting is; the service checks what makes a meeting (end after start,
    places, an https link) and the view shows its refusal at the field it names."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    opening_question = forms.CharField(
        label=_("Openingsvraag"),
        max_length=300,
        required=False,
        help_text=_("Bijvoorbeeld: Wat bracht je hier, los van je functie?"),
    )
    description = forms.CharField(
        label=_("Beschrijving"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        required=False,
        help_text=_("Je kunt Markdown gebruiken."),
    )
    starts_at = forms.DateTimeField(
        label=_("Begint om"), input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput
    )
    ends_at = forms.DateTimeField(
        label=_("Eindigt om"), input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput
    )
    place = forms.CharField(label=_("Plaats (adres)"), max_length=300, required=False)
    online_url = forms.CharField(
        label=_("Online link"),
        max_length=500,
        required=False,
        help_text=_("Een adres dat met https:// begint."),
    )
    capacity = forms.IntegerField(
        label=_("Aantal plaatsen"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Leeg: geen grens."),
        error_messages={"min_value": _("Het aantal plaatsen moet 1 of meer zijn.")},
    )
    audience = forms.ChoiceField(label=_("Voor wie"), choices=Access.choices)
    chapters = BoundedModelMultipleChoiceField(
        label=_("Over de hoofdstukken"),
        queryset=Chapter.objects.published().in_order(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    host_organisation = forms.ModelChoiceField(
        label=_("Organisatie die ontvangt (niet verplicht)"),
        queryset=Organisation.objects.current().order_by("name", "pk"),
        to_field_name="slug",
        required=False,
        empty_label=_("Geen"),
        error_messages={"invalid_choice": _("Kies een organisatie uit de lijst.")},
    )
    photo = PhotoField(label=_("Foto (niet verplicht)"), required=False)
    photo_alt = forms.CharField(
        label=_("Wat staat er op de foto?"),
        max_length=300,
        required=False,
        help_text=_("Voor wie de foto niet kan zien."),
    )

    def __init__(self, *args, uploader, parked=None, **kwargs):
        """`parked`: the parked agenda items of the meeting this one copies, offered to
        carry over (all ticked at first)."""
        super().__init__(*args, **kwargs)
        cast(PhotoField, self.fields["photo"]).before_decoding = partial(
            photo_upload_take, user=uploader
        )
        if parked is not None and parked.exists():
            self.fields["carry"] = ParkedItemsField(
                label=_("Geparkeerde punten die meegaan naar deze bijeenkomst"),
                queryset=parked,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[item.pk for item in parked],
                error_messages={
                    "invalid_choice": _("Kies uit de geparkeerde punten."),
                    "invalid_pk_value": _("Kies uit de geparkeerde punten."),
                },
            )

    def details(self) -> MeetingDetails:
        data = self.cleaned_data
        photo = data.get("photo")
        return MeetingDetails(
            title=data["title"],
            opening_question=data["opening_question"],
            description=data["description"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"],
            online_url=data["online_url"],
            capacity=data["capacity"],
            audience=data["audience"],
            chapters=list(data["chapters"]),
            host_organisation=data["host_organisation"],
            carried=list(data.get("carry", [])),
            photo=photo if photo and not hasattr(photo, "url") else None,
            remove_photo=photo is False,
            photo_alt=data["photo_alt"],
        )


def meeting_initial(meeting: Meeting, *, copy: bool = False) -> dict:
    """The form's values for changing `meeting`, or for a copy of it (no dates: the
    copy is another day)."""
    initial: dict[str, Any] = {
        "title": meeting.title,
        "opening_question": meeting.opening_question,
        "description": meeting.description,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "capacity": meeting.capacity,
        "audience": meeting.audience,
        "chapters": list(meeting.chapters.all()),
        "host_organisation": meeting.host_organisation,
        "photo_alt": "" if copy else meeting.photo_alt,
    }
    if not copy:
        initial["starts_at"] = timezone.localtime(meeting.starts_at)
        initial["ends_at"] = timezone.localtime(meeting.ends_at)
    return initial


class RegistrationForm(forms.Form):
    bringing = forms.CharField(
        label=_("Wat ik meebreng"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Een vraag of een verhaal, kort."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reden (niet verplicht)"), max_length=300, required=False)


class MeetingFilterForm(forms.Form):
    """The filters of the meetings list; each left empty shows everything."""

    hoofdstuk = forms.ModelChoiceField(
        label=_("Hoofdstuk"),
        queryset=Chapter.objects.published().in_order(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle hoofdstukken"),
    )
    organisatie = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.filter(hosted_meetings__isnull=False)
        .distinct()
        .order_by("name", "pk"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle organisaties"),
    )
    provincie = forms.ChoiceField(
        label=_("Provincie"),
        choices=[("", _("Alle provincies")), *Province.choices],
        required=False,
    )
    online = forms.BooleanField(label=_("Alleen online"), required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Onderwerp"), max_length=200)
    body = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgendaMarkForm(forms.Form):
    state = forms.ChoiceField(choices=AgendaState.choices, required=False)
    position = forms.IntegerField(min_value=1, max_value=10_000, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Wat neem je mee?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat neem je mee naar huis, wie wil je terugzien?"),
    )


class NoteStoryForm(forms.Form):
    """ "Maak er een leerverhaal van": the chapter it goes beneath and its title."""

    chapter = forms.ModelChoiceField(label=_("Bij hoofdstuk"), queryset=Chapter.objects.none())
    title = forms.CharField(label=_("Titel van je verhaal"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = cast(forms.ModelChoiceField, self.fields["chapter"])
        chapter.queryset = Chapter.objects.readable_by(user).in_order()


class MailSettingsForm(forms.ModelForm):
    class Meta:
        model = MeetingMailSettings
        fields = ["updates", "reminders", "nazit"]


class SeeAgainForm(forms.Form):
    """ "Wie wil je terugzien?": one person (an account id), marked or unmarked."""

    other = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    wanted = forms.TypedChoiceField(
        choices=[("ja", "ja"), ("nee", "nee")], coerce=lambda value: value == "ja"
    )
