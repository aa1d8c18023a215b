"""Addresses that only take a form's POST (core.http.post_only): opened as a page they
answer 405 with a page in the site's layout that links to where the form lives, and a
reply sent by someone whose session had ended survives the login in between."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django.asserts import assertContains, assertInHTML, assertTemplateUsed

from core.http import KEPT
from stories.models import Reply
from tests.factories import EmailAddressFactory, MembershipFactory, StoryFactory, UserFactory
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"

#: URL name, its arguments, where the page links, and the link's text.
POST_ONLY = [
    ("email_confirmation_resend", {}, "/accounts/email/", "Naar je e-mailadressen"),
    ("book:reading_position", {}, "/#inhoudsopgave", "Naar de inhoudsopgave"),
    ("stories:moderation_decide", {}, "/redactie/moderatie/", "Naar de moderatie"),
    ("stories:moderation_bulk", {}, "/redactie/moderatie/", "Naar de moderatie"),
    ("stories:react", {"pk": 7}, "/verhalen/7/", "Naar het verhaal"),
    ("stories:reply", {"pk": 7}, "/verhalen/7/#reacties", "Naar het verhaal"),
    ("stories:follow", {"slug": "samen"}, "/hoofdstuk/samen/#verhalen", "Naar het hoofdstuk"),
    (
        "story_coauthor_withdraw",
        {"pk": 7},
        "/verhalen/7/samen-geschreven/",
        "Naar samen geschreven",
    ),
    (
        "story_coauthor_remove",
        {"pk": 7, "coauthor": 3},
        "/verhalen/7/samen-geschreven/",
        "Naar samen geschreven",
    ),
    ("members:invitation_create", {}, "/mijn-exemplaar/#uitnodigingen", "Naar je uitnodigingen"),
    ("members:card_renew", {}, "/mijn-exemplaar/kaart/", "Naar je lidmaatschapskaart"),
    ("unmatched_name_map", {"pk": 7}, "/redactie/onbekende-namen/", "Naar de onbekende namen"),
    ("unmatched_name_create", {"pk": 7}, "/redactie/onbekende-namen/", "Naar de onbekende namen"),
    ("organisation_join", {"slug": "zwolle"}, "/gemeenten/zwolle/", "Naar de organisatie"),
    (
        "organisations:affiliation_create",
        {"pk": 7},
        "/mijn-exemplaar/organisaties/",
        "Naar je organisaties",
    ),
    (
        "organisations:affiliation_delete",
        {"pk": 7},
        "/mijn-exemplaar/organisaties/",
        "Naar je organisaties",
    ),
    *(
        (f"organisations:{name}", kwargs, "/organisaties/zwolle/beheer/", "Naar het beheer")
        for name, kwargs in [
            ("organisation_edit", {"slug": "zwolle"}),
            ("affiliation_verify", {"slug": "zwolle", "pk": 7}),
            ("affiliation_remove", {"slug": "zwolle", "pk": 7}),
            ("coordinator_add", {"slug": "zwolle"}),
            ("batch_create", {"slug": "zwolle"}),
        ]
    ),
    ("meetings:register", {"slug": "samen"}, "/bijeenkomsten/samen/", "Naar de bijeenkomst"),
    ("meetings:unregister", {"slug": "samen"}, "/bijeenkomsten/samen/", "Naar de bijeenkomst"),
    ("meetings:cancel", {"slug": "samen"}, "/bijeenkomsten/samen/", "Naar de bijeenkomst"),
    ("meetings:item_add", {"slug": "samen"}, "/bijeenkomsten/samen/#agenda", "Naar de bijeenkomst"),
    (
        "meetings:item_support",
        {"slug": "samen", "pk": 3},
        "/bijeenkomsten/samen/#agenda",
        "Naar de bijeenkomst",
    ),
    (
        "meetings:item_mark",
        {"slug": "samen", "pk": 3},
        "/bijeenkomsten/samen/#agenda",
        "Naar de bijeenkomst",
    ),
    (
        "meetings:attendance",
        {"slug": "samen"},
        "/bijeenkomsten/samen/#nazit",
        "Naar de bijeenkomst",
    ),
    ("meetings:note_add", {"slug": "samen"}, "/bijeenkomsten/samen/#nazit", "Naar de bijeenkomst"),
    (
        "meetings:note_story",
        {"slug": "samen", "pk": 3},
        "/bijeenkomsten/samen/#nazit",
        "Naar de bijeenkomst",
    ),
    ("meetings:publish", {"slug": "samen"}, "/redactie/bijeenkomsten/", "Naar de voorstellen"),
    (
        "meeting_see_again",
        {"slug": "samen"},
        "/bijeenkomsten/samen/#terugzien",
        "Naar de bijeenkomst",
    ),
    *(
        (f"introductions:{name}", {"pk": 3}, "/kennismakingen/3/", "Naar de kennismaking")
        for name in ("answer_here", "met", "report", "block")
    ),
    ("introductions:message_report", {"pk": 3}, "/kennismakingen/", "Naar het gesprek"),
    (
        "introductions:coauthor",
        {"pk": 3},
        "/kennismakingen/3/#samen-schrijven",
        "Naar de kennismaking",
    ),
    ("introductions:coauthor_answer", {"pk": 3}, "/kennismakingen/", "Naar de kennismaking"),
    *(
        (f"suggestions:{name}", {"pk": 7}, "/voorstellen/7/", "Naar het voorstel")
        for name in ("respond", "report")
    ),
    ("suggestions:delete", {"pk": 7}, "/voorstellen/mijn/", "Naar mijn voorstellen"),
    *(
        (f"suggestions:{name}", {"pk": 7}, "/redactie/voorstellen/", "Naar de voorstellen")
        for name in ("decide", "moderate")
    ),
]


def _post_only_url_names() -> set[str]:
    """The names of every URL whose view is wrapped in post_only."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "post_only_back"):
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))


def test_every_post_only_address_is_in_this_list():
    assert _post_only_url_names() == {name for name, *_rest in POST_ONLY}


def test_no_view_answers_a_blank_405_any_more():
    """post_only replaced require_POST everywhere; a new view must not bring it back."""
    sources = [
        path
        for app in (
            "book",
            "community",
            "core",
            "editions",
            "introductions",
            "meetings",
            "members",
            "newsletter",
            "organisations",
            "stories",
            "suggestions",
        )
        for path in (ROOT / app).rglob("*.py")
    ]
    assert [str(p) for p in sources if "require_POST" in p.read_text()] == []


@pytest.mark.parametrize("who", ["anonymous", "member"])
@pytest.mark.parametrize(
    ("name", "kwargs", "back", "label"), POST_ONLY, ids=[p[0] for p in POST_ONLY]
)
def test_opening_a_post_only_address_leads_to_where_its_form_is(
    client, member, who, name, kwargs, back, label
):
    if who == "member":
        client.force_login(member)
    for method in (client.get, client.head):
        response = method(reverse(name, kwargs=kwargs))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
    response = client.get(reverse(name, kwargs=kwargs))
    assertTemplateUsed(response, "base.html")
    assertInHTML("<h1>Dit adres verstuurt een formulier</h1>", response.content.decode())
    assertContains(
        response, f'<a class="button" href="{back}">{label}</a>', html=True, status_code=405
    )


def test_the_page_speaks_the_visitors_language(client):
    response = client.get("/en/stories/7/reply/")
    assertContains(
        response,
        '<a class="button" href="/en/stories/7/#reacties">Go to the story</a>',
        html=True,
        status_code=405,
    )
    assertInHTML("<h1>This address sends a form</h1>", response.content.decode())


def test_opening_them_changes_nothing(client, member):
    client.force_login(member)
    assert_safe_requests_change_nothing(
        client, [reverse(name, kwargs=kwargs) for name, kwargs, *_rest in POST_ONLY]
    )


def test_a_post_still_does_what_it_did(member_client, member):
    response = member_client.post(reverse("members:invitation_create"), {"name": "Buurvrouw"})
    assert response.status_code == 302
    assert response["Location"] == "/mijn-exemplaar/#uitnodigingen"
    assert member.membership.invitations.get().name == "Buurvrouw"


def test_a_post_from_someone_logged_out_goes_to_the_login_as_before(client):
    response = client.post(reverse("members:invitation_create"), {"name": "Buurvrouw"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/mijn-exemplaar/uitnodigen/"


# ---- A reply across a login -----------------------------------------------------------


@pytest.fixture
def writer(db):
    """A member who logs in with e-mail and password, as allauth wants it."""
    user = UserFactory(email="schrijver@example.org")
    EmailAddressFactory(user=user)
    MembershipFactory(user=user)
    return user


def test_a_reply_sent_after_the_session_ended_survives_the_login(client, writer):
    story = StoryFactory()
    reply_url = reverse("stories:reply", kwargs={"pk": story.pk})
    text = "Dit herken ik: bij ons ging het net zo.\n\nGroet uit Zwolle."

    # The session ended while the member wrote: the form goes out without a login.
    response = client.post(reply_url, {"body": text})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url == f"/accounts/login/?next={reply_url}"
    assert not Reply.objects.exists()

    # allauth's login brings them back to the address, which shows what they wrote.
    response = client.post(
        login_url, {"login": writer.email, "password": PASSWORD, "next": reply_url}
    )
    assert response.status_code == 302 and response["Location"] == reply_url
    response = client.get(reply_url)
    assert response.status_code == 405
    html = response.content.decode()
    assertInHTML(f'<textarea id="bewaard-body" name="body" rows="4">{text}</textarea>', html)
    assertInHTML('<label for="bewaard-body">Je reactie</label>', html)
    assertInHTML(f'<a href="/verhalen/{story.pk}/#reacties">Naar het verhaal</a>', html)

    # Sent again, it is placed, and forgotten by the session.
    response = client.post(reply_url, {"body": text})
    reply = Reply.objects.get()
    assert (reply.story, reply.body, reply.author.user) == (story, text, writer)
    assert urlsplit(response["Location"]).fragment == reply.anchor
    assert client.session[KEPT] == {}
    response = client.get(reply_url)
    assert "bewaard-body" not in response.content.decode()


def test_kept_text_is_shown_only_after_logging_in(client):
    story = StoryFactory()
    reply_url = reverse("stories:reply", kwargs={"pk": story.pk})
    client.post(reply_url, {"body": "Nog niet ingelogd"})
    response = client.get(reply_url)
    assert response.status_code == 405
    assert "Nog niet ingelogd" not in response.content.decode()
