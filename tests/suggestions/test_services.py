"""Making suggestions and responding: the checks, the moderation modes and limits the
stories use, and what the curators' answer does."""

import pytest
from django.core import mail

from book.models import Access
from stories.models import ModerationAction, Status, TargetType
from suggestions import services
from suggestions.models import Consent, Response, Suggestion, SuggestionStatus
from tests.factories import (
    ChapterFactory,
    ChapterRevisionFactory,
    MembershipFactory,
    ResponseFactory,
    StoryFactory,
    SuggestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_suggestion_keeps_its_section_title_and_renders_its_explanation(open_chapter, suggest):
    suggestion = suggest(open_chapter, quote="  Eerste alinea.  ")
    assert (suggestion.section, suggestion.section_title) == ("begin", "Begin")
    assert suggestion.quote == "Eerste alinea."
    assert "<strong>de praktijk</strong>" in suggestion.explanation_html
    assert suggestion.status == SuggestionStatus.OPEN


def test_a_new_members_suggestion_waits_for_a_curator_in_auto_mode(open_chapter, suggest):
    assert suggest(open_chapter).moderation == Status.PENDING


def test_a_trusted_author_is_published_at_once(open_chapter, suggest, author):
    StoryFactory(author=author, chapter=open_chapter)
    assert suggest(open_chapter).moderation == Status.PUBLISHED


@pytest.mark.parametrize(
    ("mode", "expected"), [("pre", Status.PENDING), ("post", Status.PUBLISHED)]
)
def test_the_stories_moderation_mode_holds_for_suggestions(
    settings, open_chapter, suggest, author, mode, expected
):
    settings.STORIES_MODERATION = mode
    StoryFactory(author=author, chapter=open_chapter)
    assert suggest(open_chapter).moderation == expected


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"section": "bestaat-niet"}, "section"),
        ({"kind": "herschrijving", "proposed_text": "  "}, "proposed_text"),
        ({"explanation": " "}, "explanation"),
        ({"kind": "iets"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_saved(
    open_chapter, suggest, changes, field
):
    with pytest.raises(services.SuggestionError) as refusal:
        suggest(open_chapter, **changes)
    assert refusal.value.field == field
    assert not Suggestion.objects.exists()


def test_evidence_must_be_a_story_the_member_may_read(chapters, suggest, author):
    readable = StoryFactory(chapter=chapters[0])
    pending = StoryFactory(chapter=chapters[0], status=Status.PENDING)
    with pytest.raises(services.SuggestionError) as refusal:
        suggest(chapters[0], evidence=[readable, pending])
    assert refusal.value.field == "evidence"
    assert not Suggestion.objects.exists()
    suggestion = suggest(chapters[0], evidence=[readable])
    assert list(suggestion.evidence.all()) == [readable]


def test_no_suggestion_on_a_chapter_the_member_may_not_read(book, suggest):
    draft = ChapterFactory(book=book, is_published=False)
    with pytest.raises(services.NotAllowed):
        suggest(draft)


def test_new_members_reach_the_stories_hourly_ceiling(open_chapter, suggest):
    for _ in range(services.NEW_MEMBER_SUGGESTIONS_PER_HOUR):
        suggest(open_chapter)
    with pytest.raises(services.SuggestionError):
        suggest(open_chapter)
    assert Suggestion.objects.count() == services.NEW_MEMBER_SUGGESTIONS_PER_HOUR


def test_a_rewrite_keeps_its_proposed_text_and_other_kinds_drop_it(open_chapter, suggest):
    rewrite = suggest(open_chapter, kind="herschrijving", proposed_text="Nieuwe tekst.")
    addition = suggest(open_chapter, proposed_text="Verdwaald.")
    assert (rewrite.proposed_text, addition.proposed_text) == ("Nieuwe tekst.", "")


def test_responses_once_per_member_with_a_reason_to_disagree(open_chapter, other):
    suggestion = SuggestionFactory(chapter=open_chapter)
    with pytest.raises(services.SuggestionError) as refusal:
        services.response_give(suggestion=suggestion, membership=other, kind="anders")
    assert refusal.value.field == "reason"
    services.response_give(suggestion=suggestion, membership=other, kind="anders", reason="Nee.")
    with pytest.raises(services.SuggestionError):
        services.response_give(suggestion=suggestion, membership=other, kind="eens")
    assert Response.objects.filter(suggestion=suggestion).count() == 1


def test_nobody_responds_to_their_own_or_an_unpublished_suggestion(open_chapter):
    own = SuggestionFactory(chapter=open_chapter)
    with pytest.raises(services.NotAllowed):
        services.response_give(suggestion=own, membership=own.author, kind="eens")
    pending = SuggestionFactory(chapter=open_chapter, moderation=Status.PENDING)
    with pytest.raises(services.NotAllowed):
        services.response_give(suggestion=pending, membership=MembershipFactory(), kind="eens")
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        SuggestionStatus.ADOPTED,
        SuggestionStatus.PARTLY,
        SuggestionStatus.DECLINED,
        SuggestionStatus.DISSENT,
    ],
)
def test_closing_needs_a_public_answer(open_chapter, curator, status):
    suggestion = SuggestionFactory(chapter=open_chapter)
    with pytest.raises(services.SuggestionError) as refusal:
        services.suggestion_status_set(suggestion=suggestion, curator=curator, status=status)
    assert refusal.value.field == "answer"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN
    assert not ModerationAction.objects.exists()


def test_in_behandeling_needs_no_answer_and_is_logged(open_chapter, curator):
    suggestion = SuggestionFactory(chapter=open_chapter)
    services.suggestion_status_set(
        suggestion=suggestion, curator=curator, status=SuggestionStatus.IN_PROGRESS
    )
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.target_id, entry.curator) == (
        TargetType.SUGGESTION,
        suggestion.pk,
        curator,
    )


def test_adopting_names_a_revision_of_the_same_chapter_only(chapters, curator):
    suggestion = SuggestionFactory(chapter=chapters[0])
    elsewhere = ChapterRevisionFactory(chapter=chapters[1])
    with pytest.raises(services.SuggestionError):
        services.suggestion_status_set(
            suggestion=suggestion,
            curator=curator,
            status=SuggestionStatus.ADOPTED,
            answer="Overgenomen.",
            revision=elsewhere,
        )
    revision = ChapterRevisionFactory(chapter=chapters[0])
    services.suggestion_status_set(
        suggestion=suggestion,
        curator=curator,
        status=SuggestionStatus.ADOPTED,
        answer="Overgenomen in de nieuwe tekst.",
        revision=revision,
    )
    suggestion.refresh_from_db()
    assert suggestion.taken_up_in == revision
    assert suggestion.answered_by == curator
    assert "<p>Overgenomen in de nieuwe tekst.</p>" in suggestion.answer_html


def test_the_answer_reaches_author_and_responders_in_their_language(open_chapter, curator, commit):
    from stories.following import notification_settings_update

    suggestion = SuggestionFactory(chapter=open_chapter)
    english = ResponseFactory(suggestion=suggestion).member
    notification_settings_update(
        membership=english,
        story_updates=True,
        replies=True,
        digest=True,
        suggestions=True,
        welcome=True,
        newsletter=True,
        language="en",
    )
    muted = ResponseFactory(suggestion=suggestion, kind="anders", reason="Nee.").member
    notification_settings_update(
        membership=muted,
        story_updates=True,
        replies=True,
        digest=True,
        suggestions=False,
        welcome=True,
        newsletter=True,
    )
    with commit():
        services.suggestion_status_set(
            suggestion=suggestion, curator=curator, status="niet", answer="Past niet."
        )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {suggestion.author.user.email, english.user.email}
    assert by_address[suggestion.author.user.email].subject == "Je voorstel: Niet overgenomen"
    assert "Past niet." in by_address[english.user.email].body
    assert by_address[english.user.email].extra_headers["List-Unsubscribe-Post"]


def test_keeping_dissent_asks_the_author_once(open_chapter, curator, commit):
    suggestion = SuggestionFactory(chapter=open_chapter, kind="tegengeluid")
    with commit():
        services.suggestion_status_set(
            suggestion=suggestion, curator=curator, status="tegengeluid", answer="Bewaard."
        )
    suggestion.refresh_from_db()
    assert suggestion.dissent_consent == Consent.ASKED
    consent_mails = [
        m for m in mail.outbox if m.subject == "Mag je tegengeluid in de volgende tussenstand?"
    ]
    assert len(consent_mails) == 1


def test_dissent_for_edition_holds_consented_published_dissent_only(chapters, curator):
    given = SuggestionFactory(
        chapter=chapters[1], status="tegengeluid", dissent_consent=Consent.GIVEN
    )
    first = SuggestionFactory(
        chapter=chapters[0], status="tegengeluid", dissent_consent=Consent.GIVEN
    )
    SuggestionFactory(chapter=chapters[0], status="tegengeluid", dissent_consent=Consent.ASKED)
    SuggestionFactory(chapter=chapters[0], status="tegengeluid", dissent_consent=Consent.REFUSED)
    SuggestionFactory(
        chapter=chapters[0],
        status="tegengeluid",
        dissent_consent=Consent.GIVEN,
        moderation=Status.HIDDEN,
    )
    SuggestionFactory(chapter=chapters[0], status="niet", dissent_consent=Consent.GIVEN)
    assert list(Suggestion.objects.dissent_for_edition()) == [first, given]


def test_consent_is_only_asked_of_kept_dissent(open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    with pytest.raises(services.SuggestionError):
        services.dissent_consent_set(suggestion=suggestion, consent=True)


def test_only_staff_set_a_status(open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    with pytest.raises(services.NotAllowed):
        services.suggestion_status_set(
            suggestion=suggestion, curator=UserFactory(), status="behandeling"
        )


def test_reports_by_established_members_hide_a_suggestion(settings, open_chapter):
    from datetime import timedelta

    from django.utils import timezone

    settings.STORIES_ESTABLISHED_MEMBER_DAYS = 30
    suggestion = SuggestionFactory(chapter=open_chapter)
    long_ago = timezone.now() - timedelta(days=60)
    for _ in range(3):
        services.suggestion_report(
            suggestion=suggestion,
            reporter=MembershipFactory(claimed_at=long_ago),
            reason="Klopt niet.",
        )
    suggestion.refresh_from_db()
    assert suggestion.moderation == Status.HIDDEN
    assert ModerationAction.objects.get().action == "auto_hide"


def test_a_chapter_change_renews_its_cached_pages(open_chapter, suggest, author):
    StoryFactory(author=author, chapter=open_chapter)
    before = open_chapter.stories_version
    suggest(open_chapter)
    open_chapter.refresh_from_db()
    assert open_chapter.stories_version > before


def test_members_chapter_suggestions_need_a_copy(members_chapter):
    """A member reads the members' chapters; the access rule, not the app, says so."""
    assert members_chapter.access == Access.MEMBERS
    suggestion = services.suggestion_submit(
        membership=MembershipFactory(),
        chapter=members_chapter,
        section="begin",
        kind="schrappen",
        explanation="Kan weg.",
    )
    assert suggestion.pk
