from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.converters import MAX_ID
from core.markdown import raw_html_tags

from .models import Chapter
from .revisions import MESSAGE_MAX, TITLE_MAX


class ReadingPositionForm(forms.Form):
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none())
    section = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = cast(forms.ModelChoiceField, self.fields["chapter"])
        chapter.queryset = Chapter.objects.readable_by(user)


BODY_MAX = 200_000


class ChapterTextForm(forms.Form):
    """A chapter's title and Markdown text in the curation area, with a short message
    for its history and the revision the editor started from (book.revisions)."""

    title = forms.CharField(label=_("Titel"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Tekst (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=BODY_MAX,
        strip=False,
        help_text=_(
            "Kopjes met ## worden de secties van het hoofdstuk. *Schuin*, **vet**, "
            "lijstjes met een streepje, [een link](https://…)."
        ),
        error_messages={"required": _("Een hoofdstuk zonder tekst kan niet worden bewaard.")},
    )
    message = forms.CharField(
        label=_("Wat veranderde je, en waarom?"),
        max_length=MESSAGE_MAX,
        help_text=_("Een korte toelichting; iedereen die het hoofdstuk mag lezen ziet haar."),
        error_messages={
            "required": _("Zeg in een paar woorden wat je veranderde en waarom."),
        },
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(
                _("Een hoofdstuk zonder tekst kan niet worden bewaard."), code="required"
            )
        tags = raw_html_tags(body)
        if tags:
            raise forms.ValidationError(
                _(
                    "De tekst bevat HTML-code (%(tags)s). Die wordt niet uitgevoerd maar "
                    "letterlijk als tekst getoond, zoals in het voorbeeld. Schrijf de opmaak "
                    "in Markdown, of zet code tussen `backticks`."
                ),
                code="raw_html",
                params={"tags": ", ".join(tags)},
            )
        return body


class RevisionCompareForm(forms.Form):
    """Two versions of a chapter to compare (a GET form on its history page), chosen
    from the numbers it has."""

    van = forms.TypedChoiceField(label=_("Van versie"), coerce=int)
    tot = forms.TypedChoiceField(label=_("Tot versie"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, str(number)) for number in numbers]
        for name in ("van", "tot"):
            cast(forms.TypedChoiceField, self.fields[name]).choices = choices
        if len(numbers) > 1:
            self.fields["van"].initial = numbers[1]
            self.fields["tot"].initial = numbers[0]
