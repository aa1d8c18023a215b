"""Suggestions that wait for approval or were reported are in the curators' one
moderation queue (the stories'), beside stories and replies; the decisions there are
the suggestions' own, in the one audit log."""

import pytest
from django.urls import reverse

from stories.models import ModerationAction, Status
from suggestions.models import Suggestion
from tests.clients import signed_in
from tests.factories import SuggestionFactory, SuggestionReportFactory
from tests.markup import one, select, text

pytestmark = pytest.mark.django_db

QUEUE = "stories:moderation_queue"
DECIDE = "stories:moderation_decide"


def _items(curator):
    return select(signed_in(curator).get(reverse(QUEUE)), "article.moderation-item")


def test_a_waiting_and_a_reported_suggestion_are_in_the_queue(curator):
    waiting = SuggestionFactory(moderation=Status.PENDING, explanation_html="<p>Wacht.</p>")
    reported = SuggestionFactory(explanation_html="<p>Gemeld.</p>")
    SuggestionReportFactory(suggestion=reported, reason="Klopt niet met de praktijk.")
    SuggestionFactory()  # published, nothing open: not in the queue

    items = _items(curator)
    assert len(items) == 2
    by_text = {text(one(item, ".moderation-item__text")): item for item in items}
    assert set(by_text) == {"Wacht.", "Gemeld."}
    assert "Klopt niet met de praktijk." in text(by_text["Gemeld."])
    assert [b.get("value") for b in select(by_text["Wacht."], "button[name=action]")] == [
        "approve",
        "hide",
    ]
    targets = {i.get("value") for i in select(by_text["Wacht."], "input[name=target]")}
    assert targets == {f"suggestion:{waiting.pk}"}


def test_hiding_from_the_queue_needs_a_reason_settles_the_reports_and_is_logged(curator):
    suggestion = SuggestionFactory()
    report = SuggestionReportFactory(suggestion=suggestion)
    client = signed_in(curator)
    client.post(reverse(DECIDE), {"target": f"suggestion:{suggestion.pk}", "action": "hide"})
    suggestion.refresh_from_db()
    assert suggestion.moderation == Status.PUBLISHED  # no reason: nothing changed

    response = client.post(
        reverse(DECIDE),
        {"target": f"suggestion:{suggestion.pk}", "action": "hide", "reason": "Beledigend."},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    report.refresh_from_db()
    assert (suggestion.moderation, suggestion.hidden_reason) == (Status.HIDDEN, "Beledigend.")
    assert report.resolved_at is not None
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.target_id, entry.action) == (
        "suggestion",
        suggestion.pk,
        "hide",
    )
    assert _items(curator) == []


def test_approving_from_the_queue_publishes_it(curator):
    suggestion = SuggestionFactory(moderation=Status.PENDING)
    signed_in(curator).post(
        reverse(DECIDE), {"target": f"suggestion:{suggestion.pk}", "action": "approve"}
    )
    assert Suggestion.objects.get(pk=suggestion.pk).moderation == Status.PUBLISHED
    assert ModerationAction.objects.get().action == "approve"


def test_members_cannot_decide(member):
    suggestion = SuggestionFactory(moderation=Status.PENDING)
    response = signed_in(member).post(
        reverse(DECIDE), {"target": f"suggestion:{suggestion.pk}", "action": "approve"}
    )
    assert response.status_code in (302, 403)
    assert Suggestion.objects.get(pk=suggestion.pk).moderation == Status.PENDING
