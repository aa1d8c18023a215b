"""A story's page and "Nieuwste verhalen" are cached: whole for anonymous readers, and
the part that is the same for every member shared by them all (their CSRF token and the
reactions they gave filled in afterwards). Every change through the services shows at
once, and nothing of one visitor (their token, their reactions, the links to change
what they wrote, what only curators see, a query string) reaches another."""

import pytest
from django.test import Client
from django.urls import reverse

from book.models import Access
from book.services import chapter_stories_changed
from members.services import profile_update
from stories import moderation, privacy, reactions, reports, writing
from stories.models import ReactionKind
from tests.clients import signed_in
from tests.factories import (
    MembershipFactory,
    ProfileFactory,
    ReactionFactory,
    ReplyFactory,
    StoryFactory,
    ThemeFactory,
)
from tests.markup import attributes, hrefs, select, texts
from tests.stories.shared_page import form_actions, pressed, reaction_counts, secrets, tokens

pytestmark = pytest.mark.django_db

LATEST = "/verhalen/"


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(params=["anonymous", "member"])
def reader(request, db):
    """Each kind of reader who gets a shared page: anonymous, or a member with nothing
    of their own on it."""
    if request.param == "anonymous":
        return Client()
    return signed_in(MembershipFactory().user)


# ---- The story page: what it costs ----------------------------------------------------


def test_anonymous_story_page_comes_from_the_cache(client, story, django_assert_num_queries):
    url = story.get_absolute_url()
    first = client.get(url)
    # One query remains: the versions of what the page shows, read from the database so
    # that a change through one worker shows at once in the others.
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_member_story_page_queries(story, session_queries, django_assert_num_queries):
    ReplyFactory.create_batch(3, story=story)
    client = signed_in(MembershipFactory().user)
    client.get(story.get_absolute_url())
    # The session, the user with their membership, the story's versions, their reactions.
    with django_assert_num_queries(3 + session_queries):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_a_query_string_is_not_served_from_the_shared_page(client, story):
    """Who comes with a query string gets the page rendered for them; the reaction
    forms send them back to it, and nobody else gets that address."""
    member = signed_in(MembershipFactory().user)
    url = story.get_absolute_url()
    back = attributes(_page(member, f"{url}?spoor=kwaad"), 'input[name="next"]', "value")
    assert back == [f"{url}?spoor=kwaad"] * 2
    assert "spoor=kwaad" not in _page(member, url)
    assert "spoor=kwaad" not in _page(signed_in(MembershipFactory().user), url)
    _page(client, f"{url}?spoor=kwaad")
    assert "spoor=kwaad" not in _page(client, url)


# ---- The story page: every change shows at once -----------------------------------------


def test_story_edit_shows_at_once(reader, story):
    url = story.get_absolute_url()
    StoryFactory(chapter=story.chapter, author=story.author)  # trusted: another approved story
    assert "Een bankje." in _page(reader, url)
    writing.story_update(
        story=story, editor=story.author.user, title=story.title, body="Een nieuw bankje."
    )
    html = _page(reader, url)
    assert "Een nieuw bankje." in html and "Een bankje." not in html
    assert select(html, ".story__edited")


def test_new_title_moves_the_page_at_once(reader, story):
    old_url = story.get_absolute_url()
    StoryFactory(chapter=story.chapter, author=story.author)  # trusted: another approved story
    _page(reader, old_url)
    story = writing.story_update(
        story=story, editor=story.author.user, title="Het bankje bij de vijver", body="x"
    )
    response = reader.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert "Het bankje bij de vijver" in _page(reader, story.get_absolute_url())


def test_deleted_story_is_gone_at_once(reader, story):
    url = story.get_absolute_url()
    _page(reader, url)
    writing.story_delete(story=story, user=story.author.user)
    assert reader.get(url).status_code == 404


def test_moderation_shows_at_once(reader, curator, story):
    url = story.get_absolute_url()
    assert not select(_page(reader, url), ".badge--featured")
    moderation.story_moderate(story=story, curator=curator, action="feature")
    assert select(_page(reader, url), ".badge--featured")
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Klopt niet")
    assert reader.get(url).status_code == 404
    moderation.story_moderate(story=story, curator=curator, action="restore")
    assert select(_page(reader, url), ".badge--featured")


def test_reaction_counts_change_at_once(reader, story):
    giver = MembershipFactory()
    url = story.get_absolute_url()
    assert reaction_counts(_page(reader, url), story) == ("0", "0")
    reactions.reaction_toggle(story=story, membership=giver, kind=ReactionKind.THANKS)
    assert reaction_counts(_page(reader, url), story) == ("0", "1")
    reactions.reaction_toggle(story=story, membership=giver, kind=ReactionKind.THANKS)
    assert reaction_counts(_page(reader, url), story) == ("0", "0")


def test_replies_show_at_once(reader, curator, story):
    replier = MembershipFactory()
    url = story.get_absolute_url()
    assert "Nog geen reacties." in _page(reader, url)
    reply = reactions.reply_create(story=story, author=replier, body="Mooi verhaal.")
    assert "Mooi verhaal." in _page(reader, url)
    reply = reactions.reply_update(reply=reply, editor=replier.user, body="Heel mooi verhaal.")
    html = _page(reader, url)
    assert "Heel mooi verhaal." in html and select(html, ".reply__edited")
    moderation.reply_moderate(reply=reply, curator=curator, action="hide", reason="Niet aardig")
    assert "Heel mooi verhaal." not in _page(reader, url)
    moderation.reply_moderate(reply=reply, curator=curator, action="restore")
    assert "Heel mooi verhaal." in _page(reader, url)
    reactions.reply_delete(reply=reply, user=replier.user)
    assert "Heel mooi verhaal." not in _page(reader, url)


def test_reports_hide_at_once(reader, story):
    reply = ReplyFactory(story=story, body="Een grove reactie.")
    url = story.get_absolute_url()
    assert "Een grove reactie." in _page(reader, url)
    for reporter in MembershipFactory.create_batch(reports.REPORTS_TO_HIDE, established=True):
        reports.report_create(reporter=reporter, reply=reply, reason="Grof")
    assert "Een grove reactie." not in _page(reader, url)
    for reporter in MembershipFactory.create_batch(reports.REPORTS_TO_HIDE, established=True):
        reports.report_create(reporter=reporter, story=story, reason="Reclame")
    assert reader.get(url).status_code == 404


def _name(membership, name):
    profile_update(
        membership=membership,
        display_name=name,
        role="",
        bio="",
        visibility="name",
    )


def test_author_names_change_at_once(reader, story):
    reply = ReplyFactory(story=story)
    url = story.get_absolute_url()
    _page(reader, url)
    _name(story.author, "Anna de Vries")
    _name(reply.author, "Bram")
    html = _page(reader, url)
    assert "Anna de Vries" in html and "Bram" in html


def test_a_name_corrected_in_the_admin_shows_at_once(client, story):
    profile = ProfileFactory(membership=story.author, display_name="Naam die weg moet")
    curator = MembershipFactory(user__is_staff=True, user__is_superuser=True).user
    url = story.get_absolute_url()
    assert "Naam die weg moet" in _page(client, url)
    admin = signed_in(curator)
    response = admin.post(
        reverse("admin:members_profile_change", args=[profile.pk]),
        {
            "display_name": "Anna",
            "municipality": "",
            "role": "",
            "bio": "",
            "visibility": profile.visibility,
        },
    )
    assert response.status_code == 302
    html = _page(client, url)
    assert "Anna" in html and "Naam die weg moet" not in html


def test_author_who_leaves_is_anonymised_at_once(reader, story):
    url = story.get_absolute_url()
    _page(reader, url)
    privacy.stories_on_account_delete(membership=story.author, keep_stories=True)
    assert "Een oud-lid" in _page(reader, url)


def test_chapter_changes_show_at_once(client, open_chapter, story):
    member = signed_in(MembershipFactory().user)
    url = story.get_absolute_url()
    for reader in (client, member):
        _page(reader, url)
    open_chapter.title = "Een nieuwe titel"
    open_chapter.save()
    for reader in (client, member):
        assert "Een nieuwe titel" in _page(reader, url)
    open_chapter.access = Access.MEMBERS
    open_chapter.save()
    assert client.get(url).status_code == 404
    assert "Een nieuwe titel" in _page(member, url)


# ---- The story page: nothing crosses from one visitor to another ------------------------


def test_members_get_their_own_token_and_reactions(story):
    first, second = MembershipFactory(), MembershipFactory()
    ReactionFactory(story=story, member=first, kind=ReactionKind.THANKS)
    first_client, second_client = signed_in(first.user), signed_in(second.user)
    first_html = _page(first_client, story.get_absolute_url())
    second_html = _page(second_client, story.get_absolute_url())
    # Both forms (two reactions and the reply) carry each member's own token.
    assert len(tokens(first_html, "#inhoud")) == 3
    assert secrets(first_html) == {first_client.cookies["csrftoken"].value}
    assert secrets(second_html) == {second_client.cookies["csrftoken"].value}
    given = {f"{story.pk} herkenbaar": "false", f"{story.pk} dank": "true"}
    assert pressed(first_html) == given
    assert pressed(second_html) == dict.fromkeys(given, "false")


def test_anonymous_readers_and_members_never_get_each_others_page(client, story):
    member = signed_in(MembershipFactory().user)
    react = reverse("stories:react", args=[story.pk])
    reply = reverse("stories:reply", args=[story.pk])
    assert react in form_actions(_page(member, story.get_absolute_url()))
    html = _page(client, story.get_absolute_url())
    assert react not in html and reply not in html and "csrfmiddlewaretoken" not in html
    assert "Log in als lid om te reageren." in html
    html = _page(member, story.get_absolute_url())
    assert {react, reply} <= set(form_actions(html))
    assert "Log in als lid om te reageren." not in html


def test_the_authors_links_stay_with_the_author(client, story):
    edit = reverse("stories:edit", args=[story.pk])
    report = reverse("stories:report", args=[story.pk])
    member = signed_in(MembershipFactory().user)
    author = signed_in(story.author.user)
    url = story.get_absolute_url()
    for _round in range(2):  # whoever comes first fills the cache
        html = _page(member, url)
        assert edit not in html and report in hrefs(html)
        html = _page(author, url)
        assert edit in hrefs(html) and report not in html
        html = _page(client, url)
        assert edit not in html and report not in html


def test_the_reply_links_and_hidden_replies_stay_with_who_may_see_them(client, curator, story):
    shown = ReplyFactory(story=story, body="Een zichtbare reactie.")
    hidden = ReplyFactory(story=story, body="Een verborgen reactie.", is_hidden=True)
    member = signed_in(MembershipFactory().user)
    own_edit = reverse("stories:reply_edit", args=[shown.pk])
    own_report = reverse("stories:reply_report", args=[shown.pk])
    url = story.get_absolute_url()
    for _round in range(2):
        html = _page(member, url)
        assert own_edit not in html and own_report in hrefs(html)
        assert "Een verborgen reactie." not in html
        html = _page(signed_in(shown.author.user), url)
        assert own_edit in hrefs(html) and own_report not in html
        assert "Een verborgen reactie." not in html
        html = _page(signed_in(hidden.author.user), url)
        assert "Een verborgen reactie." in html and own_edit not in html
        html = _page(signed_in(curator), url)
        assert "Een verborgen reactie." in html and select(html, ".badge--draft")
        html = _page(client, url)
        assert own_report not in html and "Een verborgen reactie." not in html


def test_forms_on_the_shared_page_pass_the_csrf_check(member, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = _page(client, story.get_absolute_url())
    token = tokens(html, "#inhoud")[0]  # not the header's logout
    response = client.post(
        reverse("stories:react", args=[story.pk]),
        {"csrfmiddlewaretoken": token, "kind": "dank", "next": story.get_absolute_url()},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("stories:reply", args=[story.pk]),
        {"csrfmiddlewaretoken": token, "body": "Dank je wel hiervoor."},
    )
    assert response.status_code == 302
    html = _page(client, story.get_absolute_url())
    assert "Dank je wel hiervoor." in html
    assert attributes(html, "button.reaction", "aria-pressed") == ["false", "true"]


# ---- Nieuwste verhalen --------------------------------------------------------------


def test_anonymous_latest_page_comes_from_the_cache(client, story, django_assert_num_queries):
    StoryFactory.create_batch(21, chapter=story.chapter)
    for url in (LATEST, f"{LATEST}?pagina=2", f"{LATEST}?gemeente=Utrecht"):
        first = client.get(url)
        # One query: every chapter's stories_version, read from the database.
        with django_assert_num_queries(1):
            second = client.get(url)
        assert second.content == first.content
        assert "csrfmiddlewaretoken" not in second.content.decode()
    assert "Het bankje in het park" in _page(client, f"{LATEST}?pagina=2")
    assert "Het bankje in het park" not in _page(client, LATEST)


def test_member_latest_page_queries(story, session_queries, django_assert_num_queries):
    client = signed_in(MembershipFactory().user)
    client.get(LATEST)
    # The session, the user with their membership, the chapters' versions, whether they
    # wrote a story under the unpublished chapter, their reactions.
    with django_assert_num_queries(4 + session_queries):
        assert client.get(LATEST).status_code == 200


def test_latest_changes_show_at_once(reader, curator, settings, story):
    settings.STORIES_MODERATION = "post"
    giver = MembershipFactory()
    assert "Het bankje in het park" in _page(reader, LATEST)
    new = writing.story_submit(
        author=giver, chapter=story.chapter, title="Net geschreven", body="Tekst."
    )
    assert "Net geschreven" in _page(reader, LATEST)
    writing.story_update(story=new, editor=giver.user, title="Net herschreven", body="x")
    html = _page(reader, LATEST)
    assert "Net herschreven" in html and "Net geschreven" not in html
    reactions.reaction_toggle(story=story, membership=giver, kind=ReactionKind.RECOGNISABLE)
    assert reaction_counts(_page(reader, LATEST), story) == ("1", "0")
    reactions.reply_create(story=story, author=giver, body="Mooi.")
    assert texts(_page(reader, LATEST), f"#{story.anchor} .story-card__replies") == ["1 reactie"]
    _name(story.author, "Anna de Vries")
    assert "Anna de Vries" in _page(reader, LATEST)
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Klopt niet")
    assert "Het bankje in het park" not in _page(reader, LATEST)


def test_a_renamed_theme_shows_at_once(client, story):
    theme = ThemeFactory(name="Groen")
    story.themes.add(theme)
    curator = MembershipFactory(user__is_staff=True, user__is_superuser=True).user
    assert "Groen" in _page(client, LATEST)
    response = signed_in(curator).post(
        reverse("admin:stories_theme_change", args=[theme.pk]),
        {"name": "Stadsgroen", "slug": theme.slug},
    )
    assert response.status_code == 302
    assert "Stadsgroen" in _page(client, LATEST)
    assert "Stadsgroen" in _page(client, story.get_absolute_url())


def test_chapter_access_shows_at_once(client, open_chapter, story):
    member = signed_in(MembershipFactory().user)
    for reader in (client, member):
        assert "Het bankje in het park" in _page(reader, LATEST)
    open_chapter.access = Access.MEMBERS
    open_chapter.save()
    assert "Het bankje in het park" not in _page(client, LATEST)
    assert "Het bankje in het park" in _page(member, LATEST)
    open_chapter.is_published = False
    open_chapter.save()
    assert "Het bankje in het park" not in _page(member, LATEST)


def test_members_get_their_own_token_and_reactions_on_latest(story):
    first, second = MembershipFactory(), MembershipFactory()
    ReactionFactory(story=story, member=first, kind=ReactionKind.THANKS)
    first_client, second_client = signed_in(first.user), signed_in(second.user)
    first_html = _page(first_client, LATEST)
    second_html = _page(second_client, LATEST)
    assert secrets(first_html) == {first_client.cookies["csrftoken"].value}
    assert secrets(second_html) == {second_client.cookies["csrftoken"].value}
    given = {f"{story.pk} herkenbaar": "false", f"{story.pk} dank": "true"}
    assert pressed(first_html) == given
    assert pressed(second_html) == dict.fromkeys(given, "false")


def test_anonymous_readers_and_members_never_get_each_others_latest(client, chapters, story):
    members_only = StoryFactory(chapter=chapters[2], title="Alleen voor leden")
    member = signed_in(MembershipFactory().user)
    react = reverse("stories:react", args=[story.pk])
    assert react in form_actions(_page(member, LATEST))
    html = _page(client, LATEST)
    assert react not in html and "csrfmiddlewaretoken" not in html
    assert members_only.title not in html
    html = _page(member, LATEST)
    assert react in form_actions(html) and members_only.title in html


def test_a_query_string_stays_with_its_own_latest_page(client, story):
    member = signed_in(MembershipFactory().user)
    for reader in (client, member):
        filtered = _page(reader, f"{LATEST}?gemeente=Spoorkwaad")
        assert "Spoorkwaad" in attributes(filtered, "main form input", "value")
        html = _page(reader, LATEST)
        assert "Spoorkwaad" not in html and "Het bankje in het park" in html


def test_what_only_some_see_stays_with_them_on_latest(chapters, curator, story):
    """Curators see the stories under an unpublished chapter; so does a member who wrote
    one there (which happens when a chapter is taken back). Nobody else does."""
    draft_chapter = next(
        chapter for chapter in chapters[0].book.chapters.all() if not chapter.is_published
    )
    hers = StoryFactory(chapter=draft_chapter, title="Onder een teruggetrokken hoofdstuk")
    member = signed_in(MembershipFactory().user)
    for _round in range(2):
        assert hers.title in _page(signed_in(curator), LATEST)
        assert hers.title in _page(signed_in(hers.author.user), LATEST)
        assert hers.title not in _page(member, LATEST)
        assert hers.title not in _page(Client(), LATEST)


# Zoeken: anonymous readers asking the same question share the page.


def test_anonymous_search_comes_from_the_cache_and_shows_a_new_story_at_once(
    client, story, django_assert_num_queries
):
    url = "/zoeken/?q=klaproos"
    assert "Over de klaproos" not in client.get(url).content.decode()
    with django_assert_num_queries(1):  # the chapters' versions
        assert client.get(url).status_code == 200
    StoryFactory(chapter=story.chapter, title="Over de klaproos")
    chapter_stories_changed(chapters=[story.chapter_id])  # as the services do
    assert "Over de klaproos" in client.get(url).content.decode()


def test_members_search_their_own_page(client, story, chapters):
    members_only = next(chapter for chapter in chapters if not chapter.is_open)
    StoryFactory(chapter=members_only, title="Alleen voor leden: de klaproos")
    chapter_stories_changed(chapters=[members_only.pk])
    url = "/zoeken/?q=klaproos"
    assert "Alleen voor leden" not in client.get(url).content.decode()
    client.force_login(MembershipFactory().user)
    assert "Alleen voor leden" in client.get(url).content.decode()
