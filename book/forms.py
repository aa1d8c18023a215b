from typing import cast

from django import forms

from .models import Chapter


class ReadingPositionForm(forms.Form):
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none())
    section = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = cast(forms.ModelChoiceField, self.fields["chapter"])
        chapter.queryset = Chapter.objects.readable_by(user)
