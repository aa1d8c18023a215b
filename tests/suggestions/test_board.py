"""The curators' board: filters, statuses, the answer closing needs, the revision that
took a suggestion up, moderation, the audit log; and the author's consent for the
"Tegengeluid" appendix through the signed link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from stories.models import ModerationAction, Status, TargetType
from suggestions.models import Consent, Suggestion, SuggestionStatus
from suggestions.notifications import consent_token
from tests.clients import signed_in
from tests.factories import (
    ChapterRevisionFactory,
    MembershipFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.markup import one, select, text, texts

pytestmark = pytest.mark.django_db

BOARD = "/redactie/voorstellen/"


def _decide(client, suggestion, **data):
    return client.post(
        reverse("suggestions:decide", kwargs={"pk": suggestion.pk}), data, follow=True
    )


def test_the_board_is_for_curators(open_chapter, curator):
    assert reverse("suggestions:board") == BOARD
    assert signed_in().get(BOARD).status_code == 302
    assert signed_in(MembershipFactory().user).get(BOARD).status_code == 403
    assert signed_in(UserFactory(is_staff=True)).get(BOARD).status_code == 403
    assert signed_in(curator).get(BOARD).status_code == 200


def test_the_board_filters_by_status_and_chapter(chapters, curator):
    SuggestionFactory(chapter=chapters[0], section_title="Een")
    SuggestionFactory(chapter=chapters[1], section_title="Twee", status="behandeling")
    SuggestionFactory(chapter=chapters[1], section_title="Drie", status="niet", answer="Nee.")
    client = signed_in(curator)

    def shown(query):
        return [t.split(" · ")[1] for t in texts(client.get(BOARD, query), ".suggestion__title")]

    assert shown({}) == ["Een", "Twee"]
    assert shown({"status": "niet"}) == ["Drie"]
    assert shown({"hoofdstuk": chapters[1].slug}) == ["Twee"]
    assert shown({"hoofdstuk": "9" * 5000, "status": "<b>"}) == ["Een", "Twee"]


def test_closing_without_an_answer_is_refused_and_saves_nothing(open_chapter, curator):
    suggestion = SuggestionFactory(chapter=open_chapter)
    response = _decide(signed_in(curator), suggestion, status="niet", answer="  ")
    assert "Wie een voorstel afsluit, geeft een antwoord: waarom, voor iedereen te lezen." in texts(
        response, ".messages li"
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN
    assert not ModerationAction.objects.exists()


def test_adopting_partly_with_a_revision_answer_and_log(open_chapter, curator, commit):
    suggestion = SuggestionFactory(chapter=open_chapter)
    older = ChapterRevisionFactory(chapter=open_chapter, number=1)
    newer = ChapterRevisionFactory(chapter=open_chapter, number=2)
    client = signed_in(curator)
    board = client.get(BOARD)
    options = select(board, f"#versie-{suggestion.pk} option")
    assert [o.get("value") for o in options] == ["", str(newer.pk), str(older.pk)]
    with commit():
        _decide(
            client, suggestion, status="deels", answer="De kern is overgenomen.", revision=newer.pk
        )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.taken_up_in) == ("deels", newer)
    entry = ModerationAction.objects.get()
    assert (entry.target_type, entry.target_id, entry.curator) == (
        TargetType.SUGGESTION,
        suggestion.pk,
        curator,
    )
    assert [m.to for m in mail.outbox] == [[suggestion.author.user.email]]
    page = signed_in().get(suggestion.get_absolute_url())
    assert text(one(page, ".suggestion__answer .prose")) == "De kern is overgenomen."


def test_a_revision_of_another_chapter_is_refused(chapters, curator):
    suggestion = SuggestionFactory(chapter=chapters[0])
    other = ChapterRevisionFactory(chapter=chapters[1])
    response = _decide(
        signed_in(curator), suggestion, status="overgenomen", answer="Ja.", revision=other.pk
    )
    assert "Die versie hoort bij een ander hoofdstuk." in texts(response, ".messages li")
    assert Suggestion.objects.get().status == "open"


def test_moderation_from_the_board_is_logged(open_chapter, curator):
    pending = SuggestionFactory(chapter=open_chapter, moderation=Status.PENDING)
    client = signed_in(curator)
    assert one(client.get(BOARD), f"#moderatie-{pending.pk}") is not None
    url = reverse("suggestions:moderate", kwargs={"pk": pending.pk})
    refused = client.post(url, {"action": "hide"}, follow=True)
    assert "Geef een reden op: de auteur krijgt die te zien." in texts(refused, ".messages li")
    client.post(url, {"action": "approve"})
    pending.refresh_from_db()
    assert pending.moderation == Status.PUBLISHED
    assert ModerationAction.objects.get().action == "approve"


def test_dissent_consent_through_the_signed_link(open_chapter, curator, commit):
    suggestion = SuggestionFactory(chapter=open_chapter, kind="tegengeluid")
    with commit():
        _decide(
            signed_in(curator), suggestion, status="tegengeluid", answer="Bewaard als tegengeluid."
        )
    [asked] = [m for m in mail.outbox if m.subject.startswith("Mag je tegengeluid")]
    # The link as the e-mail gives it (a token carries the second it was made).
    url = re.search(r"https?://[^/\s]+(/voorstellen/toestemming/\S+/)", asked.body)[1]
    visitor = signed_in()
    page = visitor.get(url)
    assert page.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.dissent_consent == Consent.ASKED  # a GET changes nothing
    assert [b.get("value") for b in select(page, "form button")] == ["ja", "nee"]
    visitor.post(url, {"consent": "ja"})
    assert list(Suggestion.objects.dissent_for_edition()) == [suggestion]
    visitor.post(url, {"consent": "nee"})
    assert not Suggestion.objects.dissent_for_edition().exists()


def test_a_tampered_consent_link_changes_nothing(open_chapter):
    suggestion = SuggestionFactory(
        chapter=open_chapter, status="tegengeluid", dissent_consent="gevraagd"
    )
    url = reverse("suggestions:consent", kwargs={"token": consent_token(suggestion) + "x"})
    assert signed_in().post(url, {"consent": "ja"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.dissent_consent == Consent.ASKED
