"""load_demo brings suggestions of each kind on two chapters, responses of both kinds,
one adopted with an answer and one kept as dissent with its author's consent."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from suggestions.models import Kind, Response, Suggestion, SuggestionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_suggestions_and_again_nothing_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0, stdout=io.StringIO())

    suggestions = Suggestion.objects.published()
    assert set(suggestions.values_list("kind", flat=True)) == set(Kind.values)
    assert suggestions.values("chapter").distinct().count() == 2
    assert set(Response.objects.values_list("kind", flat=True)) == {"eens", "anders"}
    assert suggestions.exclude(quote="").count() == 2
    adopted = suggestions.get(status=SuggestionStatus.ADOPTED)
    assert adopted.answer and adopted.answered_by is not None
    assert list(Suggestion.objects.dissent_for_edition().values_list("kind", flat=True)) == [
        Kind.DISSENT
    ]
    assert mail.outbox == []
    counts = (Suggestion.objects.count(), Response.objects.count())

    call_command("load_demo_suggestions", verbosity=0, stdout=io.StringIO())

    assert (Suggestion.objects.count(), Response.objects.count()) == counts


def test_the_demo_suggestions_need_the_demo_members():
    with pytest.raises(CommandError):
        call_command("load_demo_suggestions", verbosity=0)
