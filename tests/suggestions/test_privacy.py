"""A member's suggestions and responses in their data download, and what leaving does
to them: they follow the choice for stories."""

import json

import pytest

from community import privacy
from stories.models import Status
from suggestions.models import Consent, Response, Suggestion
from tests.factories import (
    MembershipFactory,
    ResponseFactory,
    StoryFactory,
    SuggestionFactory,
    SuggestionReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone(open_chapter):
    """A member with a kept dissent (consented), an agreement, a disagreement and a
    report, and a suggestion of someone else's they responded to."""
    membership = MembershipFactory()
    story = StoryFactory(chapter=open_chapter, title="Bewijsverhaal")
    mine = SuggestionFactory(
        chapter=open_chapter,
        author=membership,
        kind="tegengeluid",
        status="tegengeluid",
        answer="Bewaard.",
        dissent_consent=Consent.GIVEN,
    )
    mine.evidence.set([story])
    theirs = SuggestionFactory(chapter=open_chapter)
    ResponseFactory(suggestion=theirs, member=membership, kind="anders", reason="Mijn reden")
    ResponseFactory(suggestion=SuggestionFactory(chapter=open_chapter), member=membership)
    SuggestionReportFactory(suggestion=theirs, reporter=membership)
    ResponseFactory(suggestion=mine)  # someone else's response to theirs
    return membership, mine, theirs


def test_the_download_holds_suggestions_with_answers_and_responses(someone):
    membership, mine, theirs = someone
    data = json.loads(json.dumps(privacy.account_export(user=membership.user)))
    [exported] = data["suggestions"]
    assert exported | {"created_at": None, "answered_at": None} == {
        "chapter": mine.chapter.title,
        "section": "Begin",
        "kind": "tegengeluid",
        "quote": mine.quote,
        "proposed_text": "",
        "explanation": mine.explanation,
        "evidence": ["Bewijsverhaal"],
        "moderation": Status.PUBLISHED,
        "status": "tegengeluid",
        "answer": "Bewaard.",
        "answered_at": None,
        "dissent_consent": "ja",
        "created_at": None,
    }
    assert sorted((r["kind"], r["reason"]) for r in data["suggestion_responses"]) == [
        ("anders", "Mijn reden"),
        ("eens", ""),
    ]


def test_leaving_with_stories_kept_keeps_suggestions_without_a_name(someone):
    membership, mine, theirs = someone
    privacy.account_delete(user=membership.user, stories=privacy.STORIES_KEEP)
    mine.refresh_from_db()
    assert mine.author is None
    assert mine.dissent_consent == Consent.NOT_ASKED
    assert not Suggestion.objects.dissent_for_edition().exists()
    assert list(Response.objects.filter(member=None).values_list("kind", "reason")) == [
        ("anders", "Mijn reden")
    ]
    assert Response.objects.count() == 2  # the disagreement and the other's on theirs
    assert not theirs.reports.exists()


def test_leaving_with_stories_deleted_deletes_suggestions_and_responses(someone):
    membership, mine, theirs = someone
    privacy.account_delete(user=membership.user, stories=privacy.STORIES_DELETE)
    assert not Suggestion.objects.filter(pk=mine.pk).exists()
    assert Suggestion.objects.filter(pk=theirs.pk).exists()
    assert not Response.objects.filter(suggestion=theirs).exists()
