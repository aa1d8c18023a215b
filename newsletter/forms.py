from typing import cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from book.models import Chapter
from meetings.models import Meeting
from organisations.models import Organisation

from .models import Issue
from .services import BODY_MAX_LENGTH


class IssueForm(forms.ModelForm):
    """The issue as the curator writes it. What an audience needs, and whether the
    moment to send lies ahead, the services check (newsletter.services)."""

    send_at = forms.DateTimeField(
        label=_("Versturen op"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leeg: zodra je op “Inplannen” drukt."),
    )

    class Meta:
        model = Issue
        fields = [
            "title",
            "body",
            "audience",
            "role",
            "organisation",
            "province",
            "chapter",
            "meeting",
        ]
        help_texts = {
            "body": _(
                "Markdown. Een deel alleen voor leden zet je tussen een regel :::leden en "
                "een regel :::. Het openbare archief toont daar een opmerking."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "maxlength": BODY_MAX_LENGTH})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {
            "organisation": Organisation.objects.order_by("name"),
            "chapter": Chapter.objects.published().in_order(),
            "meeting": Meeting.objects.published().upcoming(),
        }
        for name, queryset in choices.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
        self.fields["body"].validators.append(MaxLengthValidator(BODY_MAX_LENGTH))
