"""The suggestions app's part of a person's data rights (community.privacy calls both):
what it holds about a member for the data download, and what leaving does to it."""

from django.db import transaction

from book.services import chapter_stories_changed
from core.exports import iso_or_none
from members.models import Membership

from .models import Response, Suggestion, SuggestionReport


def suggestions_export(*, membership: Membership | None) -> dict:
    """Their suggestions (with the curators' answer) and their responses."""
    if membership is None:
        return {"suggestions": [], "suggestion_responses": []}
    suggestions = Suggestion.objects.by(membership).select_related("chapter")
    responses = Response.objects.filter(member=membership).select_related("suggestion")
    return {
        "suggestions": [
            {
                "chapter": s.chapter.title,
                "section": s.section_title,
                "kind": s.kind,
                "quote": s.quote,
                "proposed_text": s.proposed_text,
                "explanation": s.explanation,
                "evidence": [story.title for story in s.evidence.all()],
                "moderation": s.moderation,
                "status": s.status,
                "answer": s.answer,
                "answered_at": iso_or_none(s.answered_at),
                "dissent_consent": s.dissent_consent,
                "created_at": iso_or_none(s.created_at),
            }
            for s in suggestions.order_by("created_at", "pk").prefetch_related("evidence")
        ],
        "suggestion_responses": [
            {
                "suggestion": r.suggestion_id,
                "kind": r.kind,
                "reason": r.reason,
                "created_at": iso_or_none(r.created_at),
            }
            for r in responses.order_by("created_at", "pk")
        ],
    }


def suggestions_on_account_delete(*, membership: Membership, keep_stories: bool) -> None:
    """Called by the account deletion, in its transaction, before the membership loses
    its person. Their reports and their "eens" go. Suggestions and disagreements are
    what they said to the community, so they follow the choice for stories: kept
    without their name (`keep_stories`), or deleted. Dissent kept without a name is no
    longer theirs to consent to: it leaves the "Tegengeluid" appendix."""
    with transaction.atomic():
        SuggestionReport.objects.filter(reporter=membership).delete()
        Response.objects.filter(member=membership, kind="eens").delete()
        suggestions = Suggestion.objects.by(membership)
        chapters = set(suggestions.values_list("chapter", flat=True))
        responses = Response.objects.filter(member=membership)
        if keep_stories:
            suggestions.update(author=None, dissent_consent="", dissent_consent_at=None)
            responses.update(member=None)
        else:
            responses.delete()
            suggestions.delete()
        chapter_stories_changed(chapters=chapters)
