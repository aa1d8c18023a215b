"""Every route that shows chapter text or stories agrees with the one access rule.

The rule is defined once (book.models.chapter_readable_q, and on it
Chapter.objects.readable_by and Story.objects.visible_to). This walks every page, feed,
search and edition that shows chapter text or stories, as each audience (anonymous, an
account without a copy, a member, the author of stories in every state, a curator), and
checks that what it shows is exactly what the rule allows: nothing more, nothing less.
A co-author sees the stories they write with the author as the author does.
"""

import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from book.models import Access, Chapter
from book.revisions import chapter_save_text
from editions.services import edition_create, edition_publish, edition_stories_choose
from stories.models import Status, Story
from tests.clients import signed_in
from tests.factories import (
    BookFactory,
    ChapterFactory,
    MembershipFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AUDIENCES = ["anonymous", "no_copy", "member", "author", "coauthor", "curator"]


@pytest.fixture
def world(curator):
    """An open, a members' and an unpublished chapter, each with a word of its own in
    its text; stories in every state under them, each with a word of its own."""
    book = BookFactory()
    chapters = {
        "open": ChapterFactory(book=book, number=1, access=Access.OPEN),
        "members": ChapterFactory(book=book, number=2, access=Access.MEMBERS),
        "draft": ChapterFactory(book=book, number=3, is_published=False),
    }
    for key, chapter in chapters.items():
        chapter.body = f"## Kop\n\nDe tekst met het woord hoofdstuk{key}woord erin."
        chapter.save()
    author = MembershipFactory()
    stories = {}
    for chapter_key, chapter in chapters.items():
        for status in (Status.PUBLISHED, Status.FEATURED, Status.PENDING, Status.HIDDEN):
            key = f"{chapter_key}-{status}"
            stories[key] = StoryFactory(
                chapter=chapter,
                author=author,
                status=status,
                title=f"Titel{chapter_key}{status}",
                body=f"Wat er gebeurde: verhaal{chapter_key}{status}woord.",
            )
    stories["open-draft"] = StoryFactory(
        chapter=chapters["open"],
        author=author,
        status=Status.DRAFT,
        published_at=None,
        title="Titelopendraft",
        body="Nog niet af: verhaalopendraftwoord.",
    )
    # A member who writes two of them with the author: a draft and one that waits.
    coauthor = MembershipFactory()
    for key in ("open-draft", f"members-{Status.PENDING}"):
        stories[key].coauthors.add(coauthor)
    people = {
        "coauthor": coauthor.user,
        "anonymous": None,
        "no_copy": UserFactory(),
        "member": MembershipFactory().user,
        "author": author.user,
        "curator": curator,
    }
    return chapters, stories, people


def _as_user(person):
    return AnonymousUser() if person is None else person


@pytest.mark.parametrize("audience", AUDIENCES)
def test_chapter_pages_show_text_exactly_as_the_rule_says(world, audience):
    chapters, _stories, people = world
    person = people[audience]
    readable = set(Chapter.objects.readable_by(_as_user(person)))
    client = signed_in(person)
    for key, chapter in chapters.items():
        response = client.get(chapter.get_absolute_url())
        visible = Chapter.objects.visible_to(_as_user(person)).filter(pk=chapter.pk).exists()
        if not visible:
            assert response.status_code == 404, (audience, key)
            continue
        shows_text = f"hoofdstuk{key}woord" in response.content.decode()
        assert shows_text == (chapter in readable), (audience, key)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_story_pages_exist_exactly_as_the_rule_says(world, audience):
    _chapters, stories, people = world
    person = people[audience]
    visible = set(Story.objects.visible_to(_as_user(person)))
    client = signed_in(person)
    for key, story in stories.items():
        response = client.get(story.get_absolute_url())
        assert response.status_code == (200 if story in visible else 404), (audience, key)
        if story in visible:
            assert story.title in response.content.decode()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_story_lists_under_chapters_latest_and_feeds_follow_the_rule(world, audience):
    chapters, stories, people = world
    person = people[audience]
    public = set(Story.objects.visible_to(_as_user(person)).published())
    client = signed_in(person)
    pages = [reverse("stories:latest"), reverse("stories:feed")]
    for chapter in chapters.values():
        pages.append(chapter.get_absolute_url())
        pages.append(reverse("stories:chapter_feed", args=[chapter.slug]))
    shown = set()
    for url in pages:
        response = client.get(url)
        if response.status_code == 404:
            continue
        html = response.content.decode()
        shown |= {story for story in stories.values() if story.title in html}
    # Pages of one chapter show its public stories; its author's pending one shows on
    # their own story page only (checked above). Every story shown is public to them.
    assert shown <= public, (audience, {s.title for s in shown - public})
    assert {s for s in public if s.status in (Status.PUBLISHED, Status.FEATURED)} <= shown


@pytest.mark.parametrize("audience", AUDIENCES)
def test_search_finds_exactly_what_the_rule_allows(world, audience):
    chapters, stories, people = world
    person = people[audience]
    user = _as_user(person)
    # Search covers the published book: the chapters the rule lets them read, published,
    # and the public stories the rule lets them see under those.
    readable = set(Chapter.objects.readable_by(user).published())
    public = set(Story.objects.visible_to(user).published().filter(chapter__in=readable))
    client = signed_in(person)
    for key, chapter in chapters.items():
        html = client.get(reverse("stories:search"), {"q": f"hoofdstuk{key}woord"}).content
        assert (chapter.title in html.decode()) == (chapter in readable), (audience, key)
    for key, story in stories.items():
        word = story.body.rsplit(" ", 1)[-1].rstrip(".")
        html = client.get(reverse("stories:search"), {"q": word}).content.decode()
        assert (story.title in html) == (story in public), (audience, key)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_editions_show_members_chapters_as_the_rule_says(world, audience, curator):
    chapters, stories, people = world
    edition = edition_create(label="Tussenstand", curator=curator)
    featured = [s for s in stories.values() if s.status == Status.FEATURED]
    chosen = [s for s in featured if s.chapter.is_published]
    edition_stories_choose(edition=edition, stories=chosen, curator=curator)
    edition = edition_publish(edition=edition, curator=curator)
    person = people[audience]
    user = _as_user(person)
    client = signed_in(person)
    print_page = client.get(reverse("editions:edition_print", args=[edition.slug]))
    epub = client.get(reverse("editions:edition_epub", args=[edition.slug]))
    with zipfile.ZipFile(io.BytesIO(epub.getvalue())) as archive:
        epub_text = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith("html")
        )
    for copy in edition.chapters.all():
        page = client.get(copy.get_absolute_url()).content.decode()
        readable = copy.is_readable_by(user)
        assert readable == (
            copy.access == Access.OPEN or audience in {"member", "author", "coauthor", "curator"}
        )
        key = "open" if copy.access == Access.OPEN else "members"
        for text in (page, print_page.content.decode(), epub_text):
            assert (f"hoofdstuk{key}woord" in text) == readable, (audience, key)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_chapter_versions_and_diffs_show_text_exactly_as_the_rule_says(world, audience, curator):
    chapters, _stories, people = world
    for chapter in chapters.values():
        chapter_save_text(
            chapter=chapter,
            user=curator,
            title=chapter.title,
            body=chapter.body.replace("woord erin", "woord erin, en meer"),
            message="Verduidelijkt.",
            base_revision=1,
        )
    person = people[audience]
    readable = set(Chapter.objects.readable_by(_as_user(person)))
    client = signed_in(person)
    for key, chapter in chapters.items():
        for url in (
            reverse("chapter_history", args=[chapter.slug]),
            reverse("chapter_compare", args=[chapter.slug, 1, 2]),
        ):
            response = client.get(url)
            assert response.status_code == (200 if chapter in readable else 404), (audience, key)
        compare = client.get(reverse("chapter_compare", args=[chapter.slug, 1, 2]))
        shows_text = f"hoofdstuk{key}woord" in compare.content.decode()
        assert shows_text == (chapter in readable), (audience, key)


def test_a_coauthor_sees_the_stories_they_write_in_every_state_but_no_others(world):
    _chapters, stories, people = world
    visible = set(Story.objects.visible_to(people["coauthor"]))
    assert {stories["open-draft"], stories[f"members-{Status.PENDING}"]} <= visible
    assert stories[f"open-{Status.PENDING}"] not in visible
    assert stories[f"open-{Status.HIDDEN}"] not in visible
