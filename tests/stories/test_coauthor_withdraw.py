"""Ending a story written together (community.coauthorship): a co-author withdraws
their name ("Haal mijn naam van dit verhaal"), or the author takes a co-author off.
The name leaves the story's page and its cached copies at once, and the credits of the
published editions as leaving the site with "delete my stories" takes it out (a new
edition version, the stored EPUB and print copies dropped); the other side gets one
e-mail, in their language, unless they switched off news about their stories. Only
the co-author withdraws, only the author takes off: anyone else gets a 404, and a GET
changes nothing."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from editions.models import Edition, EditionStory
from stories.models import NotificationSettings, Story
from tests.clients import signed_in
from tests.editions.test_coauthors import PAIR, TOGETHER, _chapter_credits, _print_credits
from tests.editions.test_coauthors import together as together  # noqa: F401  (a fixture)
from tests.editions.test_erasure import _stored_copies
from tests.factories import MembershipFactory, ProfileFactory, UserFactory
from tests.markup import attributes, one, select, text, texts
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


def _story() -> Story:
    return Story.objects.get(title=TOGETHER)


def _page(story: Story) -> str:
    return reverse("story_coauthors", args=[story.pk])


def _withdraw(story: Story) -> str:
    return reverse("story_coauthor_withdraw", args=[story.pk])


def _remove(story: Story, coauthor) -> str:
    return reverse("story_coauthor_remove", args=[story.pk, coauthor.pk])


def _credit(title: str) -> str:
    return EditionStory.objects.for_credits().get(title=title).credit()


def test_a_co_author_withdraws_and_their_name_leaves_the_story_and_the_edition(
    client, together, curator, commit
):
    story, anna, bram = _story(), together.anna, together.bram
    reader = signed_in()
    # The page as everyone reads it, cached before the change.
    assert "Bram" in text(one(reader.get(story.get_absolute_url()), ".story__coauthors"))
    client.force_login(curator)
    _print_credits(client, together.edition)  # a print copy stored before
    assert [name[:3] for name in _stored_copies()] == ["v1-"]

    writer = signed_in(bram.user)
    own_page = writer.get(story.get_absolute_url())
    assert attributes(own_page, ".story__coauthors-link", "href") == [_page(story)]
    asked = writer.get(_page(story))
    assert attributes(asked, ".story-coauthors form", "action") == [_withdraw(story)]
    assert text(one(asked, ".story-coauthors form button")) == "Haal mijn naam van dit verhaal"
    with commit():
        response = writer.post(_withdraw(story))
    assert response["Location"] == story.get_absolute_url()
    assert texts(writer.get(response["Location"]), ".messages li") == [
        "Je naam staat niet meer bij dit verhaal."
    ]

    assert list(story.coauthors.all()) == [together.nameless]
    names = text(one(reader.get(story.get_absolute_url()), ".story__coauthors"))
    assert names == f"Samen geschreven met Lid nr. {together.nameless.number}"
    # No longer theirs to edit; the other story they write with Anna is untouched.
    assert writer.get(reverse("stories:edit", args=[story.pk])).status_code == 403
    assert Story.objects.get(title=PAIR).author == bram

    # The edition: the credit gone, a new version, the stored copies dropped.
    assert _credit(TOGETHER) == (
        f"Anna, lid nr. {anna.number}, Gemeente Wilgendaal en lid nr. {together.nameless.number}"
    )
    assert _credit(PAIR) == together.credits[PAIR]
    assert f"— {_credit(TOGETHER)}" in _chapter_credits(client, together.edition)
    assert Edition.objects.get(pk=together.edition.pk).version == together.edition.version + 1
    assert all(name.startswith("v2-") for name in _stored_copies())

    (sent,) = mail.outbox
    assert sent.to == [anna.user.email]
    assert sent.subject == f"Bram schrijft niet meer mee aan “{TOGETHER}”"
    assert story.get_absolute_url() in sent.body
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_author_takes_a_co_author_off(together, commit):
    story, anna, bram = _story(), together.anna, together.bram
    NotificationSettings.objects.create(membership=bram, language="en")
    author = signed_in(anna.user)
    asked = author.get(_page(story))
    assert texts(asked, ".story-coauthors__name") == ["Bram", f"Lid nr. {together.nameless.number}"]
    assert _remove(story, bram) in attributes(asked, ".story-coauthors form", "action")
    with commit():
        response = author.post(_remove(story, bram))
    assert response["Location"] == _page(story)
    after = author.get(_page(story))
    assert texts(after, ".messages li") == ["Bram staat niet meer bij dit verhaal."]
    assert texts(after, ".story-coauthors__name") == [f"Lid nr. {together.nameless.number}"]
    assert list(story.coauthors.all()) == [together.nameless]
    assert "Bram" not in _credit(TOGETHER)

    # Bram hears of it in the language he chose.
    (sent,) = mail.outbox
    assert sent.to == [bram.user.email]
    assert sent.subject == f"Your name is no longer on “{TOGETHER}”"


def test_who_switched_off_news_about_their_stories_gets_no_mail(together, commit):
    NotificationSettings.objects.create(membership=together.anna, story_updates=False)
    with commit():
        signed_in(together.bram.user).post(_withdraw(_story()))
    assert not _story().coauthors.filter(pk=together.bram.pk).exists()
    assert mail.outbox == []


def test_a_second_post_changes_and_sends_nothing(together, commit):
    story = _story()
    writer = signed_in(together.bram.user)
    with commit():
        assert writer.post(_withdraw(story)).status_code == 302
        # No longer a co-author: the address is not theirs any more.
        assert writer.post(_withdraw(story)).status_code == 404
    author = signed_in(together.anna.user)
    with commit():
        assert author.post(_remove(story, together.nameless)).status_code == 302
        assert author.post(_remove(story, together.nameless)).status_code == 404
    assert len(mail.outbox) == 2
    # One new version per change, none for the clicks that changed nothing.
    assert Edition.objects.get(pk=together.edition.pk).version == together.edition.version + 2
    assert _credit(TOGETHER) == f"Anna, lid nr. {together.anna.number}, Gemeente Wilgendaal"


@pytest.mark.parametrize("who", ["other", "no_copy", "curator", "author", "anonymous"])
def test_only_the_co_author_withdraws(together, curator, who, commit):
    """The author (who writes another story with Bram as his co-author) is no co-author
    of their own story."""
    story = _story()
    user = {
        "other": MembershipFactory().user,
        "no_copy": UserFactory(),
        "curator": curator,
        "author": together.anna.user,
        "anonymous": None,
    }[who]
    with commit():
        response = signed_in(user).post(_withdraw(story))
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert story.coauthors.count() == 2 and mail.outbox == []


@pytest.mark.parametrize("who", ["other", "no_copy", "curator", "co_author", "anonymous"])
def test_only_the_author_takes_a_co_author_off(together, curator, who, commit):
    story, bram, nameless = _story(), together.bram, together.nameless
    user = {
        "other": MembershipFactory().user,
        "no_copy": UserFactory(),
        "curator": curator,
        "co_author": bram.user,
        "anonymous": None,
    }[who]
    visitor = signed_in(user)
    with commit():
        response = visitor.post(_remove(story, nameless))
        page = visitor.get(_page(story))
    if who == "anonymous":
        assert "/accounts/login/" in response["Location"]
        assert "/accounts/login/" in page["Location"]
    else:
        assert response.status_code == 404
        if who != "co_author":  # a co-author reads the page that asks them
            assert page.status_code == 404
            assert TOGETHER not in page.content.decode()
    assert story.coauthors.count() == 2 and mail.outbox == []
    assert Edition.objects.get(pk=together.edition.pk).version == together.edition.version


def test_a_co_author_cannot_take_another_co_author_off(together):
    """Bram writes TOGETHER with Anna; the page asks him about his own name only."""
    page = signed_in(together.bram.user).get(_page(_story()))
    assert select(page, ".story-coauthors__name") == []
    assert attributes(page, ".story-coauthors form", "action") == [_withdraw(_story())]


def test_someone_who_is_no_co_author_is_not_taken_off(together):
    """An id that is no co-author of the story (a member, or the author themselves)."""
    author = signed_in(together.anna.user)
    other = MembershipFactory()
    assert author.post(_remove(_story(), other)).status_code == 404
    assert author.post(_remove(_story(), together.anna)).status_code == 404
    assert _story().coauthors.count() == 2


def test_opening_the_pages_changes_nothing(together):
    story = _story()
    for user in (together.anna.user, together.bram.user):
        assert_safe_requests_change_nothing(
            signed_in(user),
            [_page(story), _withdraw(story), _remove(story, together.bram)],
        )
    assert story.coauthors.count() == 2
    assert Edition.objects.get(pk=together.edition.pk).version == together.edition.version


def test_the_pages_speak_english(together):
    story = _story()
    with translation.override("en"):
        address = _page(story)
    page = signed_in(together.bram.user).get(address)
    assert page.status_code == 200
    assert text(one(page, ".story-coauthors form button")) == "Take my name off this story"


def test_the_page_asks_in_as_many_queries_whatever_the_number_of_co_authors(together):
    story = _story()
    author = signed_in(together.anna.user)
    author.get(_page(story))  # the session and the caches warmed up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert author.get(_page(story)).status_code == 200
        return len(captured)

    two = queries()
    story.coauthors.add(ProfileFactory(display_name="Cas").membership)
    assert queries() == two
