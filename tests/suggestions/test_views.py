"""The suggestions on the chapter page, a chapter's list and one suggestion's page, the
form, and "Mijn voorstellen": through the real views."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from book.models import Access
from stories.models import Status
from suggestions.models import Suggestion
from tests.clients import signed_in
from tests.factories import (
    ChapterFactory,
    MembershipFactory,
    ResponseFactory,
    StoryFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.markup import hrefs, one, select, text, texts
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


def _chapter_queries(client, chapter) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(chapter.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def test_the_chapter_page_counts_open_suggestions_per_section(client, open_chapter):
    SuggestionFactory.create_batch(2, chapter=open_chapter, section="begin")
    SuggestionFactory(chapter=open_chapter, section="verder")
    SuggestionFactory(chapter=open_chapter, section="verder", status="niet", answer="Nee.")
    SuggestionFactory(chapter=open_chapter, section="verder", moderation=Status.PENDING)
    response = client.get(open_chapter.get_absolute_url())
    assert texts(response, ".sections .sections__suggestions") == [
        "2 open voorstellen",
        "1 open voorstel",
    ]
    list_url = reverse("suggestions:chapter", kwargs={"slug": open_chapter.slug})
    assert hrefs(response, ".sections__suggestions") == [
        f"{list_url}?paragraaf=begin",
        f"{list_url}?paragraaf=verder",
    ]
    create_url = reverse("suggestions:create", kwargs={"slug": open_chapter.slug})
    assert create_url in hrefs(response, ".sections__suggest a")


def test_the_chapter_page_costs_the_same_with_500_suggestions_as_with_1(
    member, open_chapter, chapters
):
    other = chapters[1]
    SuggestionFactory(chapter=open_chapter)
    SuggestionFactory.create_batch(500, chapter=other)
    for client in (signed_in(), signed_in(member), signed_in(UserFactory())):
        assert _chapter_queries(client, open_chapter) == _chapter_queries(client, other)


def test_a_new_suggestion_shows_on_the_cached_chapter_page(client, open_chapter):
    client.get(open_chapter.get_absolute_url())
    SuggestionFactory(chapter=open_chapter)
    from book.services import chapter_stories_changed

    # Made by the factory, not the service: the service raises the version itself.
    chapter_stories_changed(chapters=[open_chapter])
    response = client.get(open_chapter.get_absolute_url())
    assert texts(response, ".sections__suggestions") == ["1 open voorstel"]


def test_members_only_text_never_leaks_through_suggestions(client, members_chapter):
    suggestion = SuggestionFactory(
        chapter=members_chapter, quote="Geheim citaat uit het hoofdstuk", section="begin"
    )
    for visitor in (signed_in(), signed_in(UserFactory())):
        for url in (
            reverse("suggestions:chapter", kwargs={"slug": members_chapter.slug}),
            reverse("suggestions:create", kwargs={"slug": members_chapter.slug}),
            suggestion.get_absolute_url(),
        ):
            response = visitor.get(url)
            assert response.status_code in (302, 404), url
            assert b"Geheim citaat" not in response.content
        chapter_page = visitor.get(members_chapter.get_absolute_url())
        assert not select(chapter_page, ".sections__suggestions")
        assert b"Geheim citaat" not in chapter_page.content
    member_page = signed_in(MembershipFactory().user).get(suggestion.get_absolute_url())
    assert text(one(member_page, ".suggestion__quote")) == "Geheim citaat uit het hoofdstuk"


def test_the_list_filters_by_section_kind_and_status(client, open_chapter):
    SuggestionFactory(chapter=open_chapter, section="begin", kind="aanvulling")
    SuggestionFactory(
        chapter=open_chapter, section="verder", section_title="Verder", kind="schrappen"
    )
    SuggestionFactory(
        chapter=open_chapter,
        section="verder",
        section_title="Verder",
        kind="aanvulling",
        status="niet",
    )
    url = reverse("suggestions:chapter", kwargs={"slug": open_chapter.slug})

    def titles(query):
        return texts(client.get(url, query), ".suggestion__title")

    assert len(titles({})) == 3
    assert titles({"paragraaf": "verder", "soort": "schrappen"}) == ["Schrappen · Verder"]
    assert titles({"status": "niet"}) == ["Aanvulling · Verder"]
    # Nonsense in a filter reads as no filter, never an error.
    assert len(titles({"paragraaf": "<script>", "status": "x" * 5000})) == 3


def test_the_list_costs_the_same_queries_for_a_page_of_many(client, chapters):
    few, many = chapters[0], chapters[1]
    SuggestionFactory(chapter=few)
    for suggestion in SuggestionFactory.create_batch(45, chapter=many):
        ResponseFactory(suggestion=suggestion)

    def queries(chapter, page="1"):
        url = reverse("suggestions:chapter", kwargs={"slug": chapter.slug})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"pagina": page}).status_code == 200
        return len(captured)

    assert queries(few) == queries(many) == queries(many, "3")


def test_a_suggestion_on_a_section_that_is_gone_is_kept_and_says_so(client, open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter, quote="De oude zin.")
    open_chapter.body = "## Iets anders\n\nNieuwe tekst."
    open_chapter.save()
    response = client.get(suggestion.get_absolute_url())
    assert text(one(response, ".suggestion__earlier")) == "Bij een eerdere versie van dit hoofdstuk"
    assert text(one(response, ".suggestion__quote")) == "De oude zin."


def test_the_detail_shows_disagreements_counts_and_the_answer(client, open_chapter, curator):
    suggestion = SuggestionFactory(
        chapter=open_chapter,
        status="deels",
        answer="Deels **overgenomen**.",
        answer_html="<p>Deels <strong>overgenomen</strong>.</p>",
    )
    ResponseFactory.create_batch(2, suggestion=suggestion)
    ResponseFactory(suggestion=suggestion, kind="anders", reason="Ik zie het anders, want.")
    response = client.get(suggestion.get_absolute_url())
    meta = text(one(response, ".suggestion__meta"))
    assert "2 keer eens" in meta and "1 ziet het anders" in meta
    assert texts(response, ".suggestion-response p") == ["Ik zie het anders, want."]
    assert text(one(response, ".suggestion__answer .prose")) == "Deels overgenomen."


def test_a_member_makes_a_suggestion_through_the_form(open_chapter):
    membership = MembershipFactory()
    story = StoryFactory(chapter=open_chapter)
    client = signed_in(membership.user)
    url = reverse("suggestions:create", kwargs={"slug": open_chapter.slug})
    form = client.get(url, {"paragraaf": "verder", "citaat": "Tweede alinea."})
    assert one(form, "select[name=section] option[selected]").get("value") == "verder"
    assert text(one(form, "textarea[name=quote]")) == "Tweede alinea."
    response = client.post(
        url,
        {
            "section": "verder",
            "kind": "herschrijving",
            "quote": "Tweede alinea.",
            "proposed_text": "Een betere tweede alinea.",
            "explanation": "Zo leest het beter.",
            "evidence": [story.pk],
        },
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == suggestion.get_absolute_url()
    assert (suggestion.section_title, suggestion.proposed_text) == (
        "Verder",
        "Een betere tweede alinea.",
    )
    assert list(suggestion.evidence.all()) == [story]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"section": "weg"}, "section", "Dit hoofdstuk heeft die paragraaf niet."),
        (
            {"kind": "herschrijving"},
            "proposed_text",
            "Schrijf bij een herschrijving de tekst die je voorstelt.",
        ),
        (
            {"evidence": ["999999"]},
            "evidence",
            "Je kunt alleen leerverhalen aanhalen die je zelf kunt lezen.",
        ),
        (
            {"evidence": ["9" * 5000]},
            "evidence",
            "Je kunt alleen leerverhalen aanhalen die je zelf kunt lezen.",
        ),
    ],
)
def test_bad_input_in_the_form_is_said_in_dutch_and_keeps_the_text(
    open_chapter, changes, field, message
):
    client = signed_in(MembershipFactory().user)
    url = reverse("suggestions:create", kwargs={"slug": open_chapter.slug})
    data = {"section": "begin", "kind": "aanvulling", "explanation": "Mijn uitleg."} | changes
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in texts(response, f"#id_{field}_error li, .errorlist li")
    assert text(one(response, "textarea[name=explanation]")) == "Mijn uitleg."
    assert not Suggestion.objects.exists()


def test_a_hidden_story_is_no_evidence(open_chapter):
    hidden = StoryFactory(chapter=open_chapter, status=Status.HIDDEN)
    client = signed_in(MembershipFactory().user)
    url = reverse("suggestions:create", kwargs={"slug": open_chapter.slug})
    response = client.post(
        url,
        {"section": "begin", "kind": "aanvulling", "explanation": "Zie", "evidence": [hidden.pk]},
    )
    assert "Je kunt alleen leerverhalen aanhalen die je zelf kunt lezen." in texts(
        response, ".errorlist li"
    )
    assert not Suggestion.objects.exists()


def test_an_account_without_a_copy_cannot_suggest(open_chapter):
    client = signed_in(UserFactory())
    url = reverse("suggestions:create", kwargs={"slug": open_chapter.slug})
    assert client.get(url).status_code == 403


def test_responding_through_the_page(open_chapter):
    suggestion = SuggestionFactory(chapter=open_chapter)
    client = signed_in(MembershipFactory().user)
    url = reverse("suggestions:respond", kwargs={"pk": suggestion.pk})
    assert client.post(url, {"kind": "anders", "reason": "Anders."}).status_code == 302
    again = client.post(url, {"kind": "eens"}, follow=True)
    assert "Je hebt al op dit voorstel gereageerd." in texts(
        again, ".messages li, [role=alert], .notice"
    )
    assert suggestion.responses.count() == 1
    page = client.get(suggestion.get_absolute_url())
    assert not select(page, "form.suggestion-respond")


def test_mine_shows_what_happened_with_the_answer(open_chapter):
    membership = MembershipFactory()
    SuggestionFactory(
        chapter=open_chapter,
        author=membership,
        status="overgenomen",
        answer="Dank!",
        answer_html="<p>Dank!</p>",
    )
    SuggestionFactory(chapter=open_chapter, author=membership, moderation=Status.PENDING)
    SuggestionFactory(chapter=open_chapter)
    response = signed_in(membership.user).get(reverse("suggestions:mine"))
    items = select(response, ".my-suggestions__item")
    assert len(items) == 2
    assert texts(response, ".my-suggestions .suggestion-status") == ["Open", "Overgenomen"]
    assert texts(response, ".my-suggestions__answer p:last-child") == ["Dank!"]
    assert reverse("suggestions:mine") in hrefs(response, ".account-nav a")


def test_pages_change_nothing_on_get(open_chapter, curator):
    suggestion = SuggestionFactory(chapter=open_chapter)
    paths = [
        reverse("suggestions:chapter", kwargs={"slug": open_chapter.slug}),
        reverse("suggestions:create", kwargs={"slug": open_chapter.slug}),
        suggestion.get_absolute_url(),
        reverse("suggestions:mine"),
        reverse("suggestions:board"),
    ]
    assert_safe_requests_change_nothing(signed_in(curator), paths)
    assert_safe_requests_change_nothing(signed_in(suggestion.author.user), paths[:4])


def test_pending_suggestions_are_seen_by_their_author_and_curators_only(open_chapter, curator):
    pending = SuggestionFactory(chapter=open_chapter, moderation=Status.PENDING)
    assert signed_in(pending.author.user).get(pending.get_absolute_url()).status_code == 200
    assert signed_in(curator).get(pending.get_absolute_url()).status_code == 200
    assert signed_in(MembershipFactory().user).get(pending.get_absolute_url()).status_code == 404
    assert signed_in().get(pending.get_absolute_url()).status_code == 404


def test_a_draft_chapter_has_no_suggestions_page(client, book):
    draft = ChapterFactory(book=book, is_published=False, access=Access.OPEN)
    url = reverse("suggestions:chapter", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 404


def test_the_pages_speak_english_under_en(client, open_chapter):
    SuggestionFactory(chapter=open_chapter, kind="tegengeluid", status="tegengeluid")
    response = client.get(f"/en/chapter/{open_chapter.slug}/suggestions/")
    assert response.status_code == 200
    assert text(one(response, "h1")) == f"Suggestions for “{open_chapter.title}”"
    assert texts(response, ".suggestion-status") == ["Kept as dissent"]
    assert texts(response, ".suggestion__title a") == ["Dissent"]
    chapter_page = client.get(f"/en/chapter/{open_chapter.slug}/")
    assert "Make a suggestion" in texts(chapter_page, ".sections__suggest a")
