from django import forms

from members.models import user_is_member

from .models import Access, Chapter


class ReadingPositionForm(forms.Form):
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none())
    section = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chapters = Chapter.objects.visible_to(user)
        if not user_is_member(user):
            chapters = chapters.filter(access=Access.OPEN)
        self.fields["chapter"].queryset = chapters
