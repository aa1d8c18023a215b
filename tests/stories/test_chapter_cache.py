"""The story list beneath a chapter and the story counts on the home page are cached;
every change through the services shows at once, and nothing of one visitor (their
name, their CSRF token, the reactions they gave) reaches another."""

from django.test import Client
from django.urls import reverse

from book.models import Chapter
from members.services import profile_update
from stories import moderation, reactions, writing
from stories.models import ReactionKind, Status
from tests.clients import signed_in
from tests.factories import MembershipFactory, ReactionFactory, StoryFactory
from tests.markup import attributes, hrefs, inner_html, select, texts
from tests.stories.shared_page import form_actions, pressed, reaction_counts, secrets, tokens


def _page(client, chapter) -> str:
    response = client.get(chapter.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_story_published_by_a_curator_shows_at_once(client, curator, open_chapter, story):
    pending = StoryFactory(chapter=open_chapter, status=Status.PENDING, title="Nog even wachten")
    assert "Nog even wachten" not in _page(client, open_chapter)
    moderation.story_moderate(story=pending, curator=curator, action="approve")
    assert "Nog even wachten" in _page(client, open_chapter)


def test_story_submitted_in_post_moderation_shows_at_once(client, member, open_chapter, settings):
    settings.STORIES_MODERATION = "post"
    assert "Net geschreven" not in _page(client, open_chapter)
    writing.story_submit(
        author=member.membership, chapter=open_chapter, title="Net geschreven", body="Tekst."
    )
    assert "Net geschreven" in _page(client, open_chapter)


def test_hidden_story_disappears_at_once(client, curator, open_chapter, story):
    assert "Het bankje in het park" in _page(client, open_chapter)
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Klopt niet")
    assert "Het bankje in het park" not in _page(client, open_chapter)


def test_deleted_and_edited_stories_show_at_once(client, open_chapter, story):
    author = story.author.user
    StoryFactory(chapter=open_chapter, author=story.author)  # trusted: another approved story
    assert "Het bankje in het park" in _page(client, open_chapter)
    writing.story_update(story=story, editor=author, title="Het bankje bij de vijver", body="x")
    html = _page(client, open_chapter)
    assert "Het bankje bij de vijver" in html and "Het bankje in het park" not in html
    writing.story_delete(story=story, user=author)
    assert "Het bankje bij de vijver" not in _page(client, open_chapter)


def test_reaction_counts_change_at_once(client, member, open_chapter, story):
    assert reaction_counts(_page(client, open_chapter), story) == ("0", "0")
    reactions.reaction_toggle(
        story=story, membership=member.membership, kind=ReactionKind.RECOGNISABLE
    )
    assert reaction_counts(_page(client, open_chapter), story) == ("1", "0")
    reactions.reaction_toggle(
        story=story, membership=member.membership, kind=ReactionKind.RECOGNISABLE
    )
    assert reaction_counts(_page(client, open_chapter), story) == ("0", "0")


def test_reply_counts_change_at_once(client, member, curator, open_chapter, story):
    def replies():
        return texts(_page(client, open_chapter), f"#{story.anchor} .story-card__replies")

    assert replies() == ["0 reacties"]
    reply = reactions.reply_create(story=story, author=member.membership, body="Mooi verhaal.")
    assert replies() == ["1 reactie"]
    moderation.reply_moderate(reply=reply, curator=curator, action="hide", reason="Niet aardig")
    assert replies() == ["0 reacties"]


def test_author_name_change_shows_at_once(client, open_chapter, story):
    profile_update(
        membership=story.author,
        display_name="Anna",
        role="",
        bio="",
        visibility="name",
    )
    assert "Anna" in _page(client, open_chapter)
    profile_update(
        membership=story.author,
        display_name="Anna de Vries",
        role="",
        bio="",
        visibility="name",
    )
    assert "Anna de Vries" in _page(client, open_chapter)


def test_home_count_changes_at_once(client, curator, open_chapter, story):
    def counts():
        return texts(client.get("/"), ".toc__stories")

    assert counts() == ["· 1 verhaal"]
    StoryFactory(chapter=open_chapter, status=Status.PENDING)
    pending = open_chapter.stories.get(status=Status.PENDING)
    moderation.story_moderate(story=pending, curator=curator, action="approve")
    assert counts() == ["· 2 verhalen"]
    moderation.story_moderate(story=story, curator=curator, action="hide", reason="Klopt niet")
    assert counts() == ["· 1 verhaal"]


def test_anonymous_reader_never_gets_the_members_forms(client, member, open_chapter, story):
    """A member's visit fills the cache first; the anonymous reader still gets counts,
    not forms, and no token."""
    assert "stories:react" not in _page(signed_in(member), open_chapter)
    html = _page(client, open_chapter)
    assert reverse("stories:react", args=[story.pk]) not in html
    assert reaction_counts(html, story) == ("0", "0")
    assert not tokens(html, "#verhalen")


def test_member_never_gets_the_anonymous_list(client, member, open_chapter, story):
    _page(client, open_chapter)
    html = _page(signed_in(member), open_chapter)
    assert reverse("stories:react", args=[story.pk]) in form_actions(html)


def test_second_member_never_sees_the_first_members_token_or_reactions(open_chapter, story):
    first, second = MembershipFactory(), MembershipFactory()
    ReactionFactory(story=story, member=first, kind=ReactionKind.THANKS)
    Chapter.objects.filter(pk=open_chapter.pk).update(stories_version=99)  # a fresh list
    first_client, second_client = signed_in(first.user), signed_in(second.user)
    first_html = _page(first_client, open_chapter)
    second_html = _page(second_client, open_chapter)
    first_secret = first_client.cookies["csrftoken"].value
    second_secret = second_client.cookies["csrftoken"].value
    assert first_secret != second_secret
    assert secrets(first_html) == {first_secret}
    assert secrets(second_html) == {second_secret}
    # The first member gave "Dank je wel"; the second did not.
    given = {f"{story.pk} herkenbaar": "false", f"{story.pk} dank": "true"}
    assert pressed(first_html) == given
    assert pressed(second_html) == dict.fromkeys(given, "false")


def test_cached_list_takes_no_visitor_query_string(client, open_chapter):
    StoryFactory.create_batch(21, chapter=open_chapter)
    url = open_chapter.get_absolute_url()
    first = client.get(f"{url}?verhalen=1&spoor=kwaad")
    (stories,) = select(first, "#verhalen")
    assert "spoor=kwaad" not in inner_html(stories)
    html = _page(client, open_chapter)
    assert "spoor=kwaad" not in html
    assert hrefs(html, "#verhalen .pagination a") == ["?verhalen=2#verhalen"]


def test_reaction_form_from_the_cached_list_is_accepted(member, open_chapter, story):
    """The token filled into the shared list is the visitor's own: the form goes
    through the CSRF check, and comes back to the page it was on."""
    StoryFactory.create_batch(20, chapter=open_chapter)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = client.get(open_chapter.get_absolute_url() + "?verhalen=2").content.decode()
    back = f"{open_chapter.get_absolute_url()}?verhalen=2"
    assert set(attributes(html, '#verhalen input[name="next"]', "value")) == {back}
    token = tokens(html)[0]
    response = client.post(
        reverse("stories:react", args=[story.pk]),
        {
            "csrfmiddlewaretoken": token,
            "kind": "dank",
            "next": f"{open_chapter.get_absolute_url()}?verhalen=2",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?verhalen=2#{story.anchor}")
