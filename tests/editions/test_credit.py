"""A story's credit in an edition names the author's chosen name and copy number once
each, and reads the same on the edition's page, in print and in the EPUB: one function
makes it (EditionStory.credit, members.models.member_credit)."""

import importlib
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.apps import apps
from django.db.models import F
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from editions.models import EditionStory
from editions.services import credit_parts, edition_create, edition_publish, edition_stories_choose
from members.models import Membership, member_credit
from stories.models import Status
from tests.factories import MembershipFactory, ProfileFactory, StoryFactory

pytestmark = pytest.mark.django_db

html_test = SimpleTestCase()
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def edition(book, chapters, curator):
    """An edition of three stories beneath the first (open) chapter: by a member with a
    chosen name, one without, and one by a member who left keeping their stories."""
    # The numbers credited here are this test's own: the curator, made first, may have
    # drawn one of them from the factory's sequence.
    Membership.objects.filter(number__in=[12, 4242]).update(number=F("number") + 1_000_000)
    named = ProfileFactory(display_name="Femke", membership=MembershipFactory(number=12))
    stories = [
        StoryFactory(
            chapter=chapters[0],
            author=named.membership,
            title="Met naam",
            status=Status.FEATURED,
            municipality="Zwolle",
        ),
        StoryFactory(
            chapter=chapters[0],
            author=MembershipFactory(number=4242),
            title="Zonder naam",
            status=Status.FEATURED,
        ),
    ]
    draft = edition_create(label="Tussenstand 2027", curator=curator)
    edition_stories_choose(edition=draft, stories=stories, curator=curator)
    return edition_publish(edition=draft, curator=curator)


CREDITS = ["— Femke, lid nr. 12, Zwolle", "— lid nr. 4242"]


def _page_credits(client, edition) -> tuple[str, str]:
    chapter = edition.chapters.get(number=1)
    return client.get(chapter.get_absolute_url()).content.decode(), "edition-story__credit"


def _print_credits(client, edition) -> tuple[str, str]:
    url = reverse("editions:edition_print", args=[edition.slug])
    return client.get(url).content.decode(), "print-story__credit"


@pytest.mark.parametrize("output", [_page_credits, _print_credits], ids=["page", "print"])
def test_each_credit_names_the_member_once_on_the_page_and_in_print(client, edition, output):
    html, css_class = output(client, edition)
    for credit in CREDITS:
        html_test.assertInHTML(f'<p class="{css_class}">{credit}</p>', html, count=1)
    assert html.count("4242") == 1 and html.count("lid nr. 12") == 1


def epub_credits(client, edition) -> list[str]:
    """The credit lines beneath the stories in the edition's EPUB, as `client` gets it."""
    response = client.get(reverse("editions:edition_epub", args=[edition.slug]))
    epub = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    credits = []
    for name in epub.namelist():
        if name.endswith(".xhtml") and "chapter-" in name:
            tree = ET.fromstring(epub.read(name))
            credits += [
                "".join(p.itertext()) for p in tree.iter(f"{XHTML}p") if p.get("class") == "credit"
            ]
    return credits


def test_each_credit_names_the_member_once_in_the_epub(client, edition, member):
    client.force_login(member)
    assert sorted(epub_credits(client, edition)) == sorted(CREDITS)


def test_the_credit_is_in_the_reading_language(client, edition):
    story = EditionStory.objects.get(title="Met naam")
    with translation.override("en"):
        assert story.credit() == "Femke, member no. 12, Zwolle"
        assert member_credit(name="", number=None) == "a former member"


def test_publishing_copies_the_chosen_name_and_the_number_apart():
    named = ProfileFactory(display_name="Femke").membership
    nameless = MembershipFactory(number=8)
    gone = MembershipFactory(number=9)
    gone.user = None
    assert credit_parts(named) == ("Femke", named.number)
    assert credit_parts(nameless) == ("", 8)
    assert credit_parts(gone) == ("", None)
    assert credit_parts(None) == ("", None)
    assert member_credit(name="", number=None) == "een oud-lid"


def test_stored_credits_lose_the_number_given_as_a_name(edition):
    migration = importlib.import_module("editions.migrations.0002_credit_names_without_numbers")
    chapter = edition.chapters.get(number=1)
    rows = {
        name: EditionStory.objects.create(
            chapter=chapter, title=name, author_name=name, member_number=number
        )
        for name, number in [
            ("Lid nr. 8", 8),
            ("Member no. 9", 9),
            ("Een oud-lid", 10),
            ("A former member", 11),
            ("Lid nr. 3", 30),  # a chosen name that only looks like a number
            ("Femke", 12),
        ]
    }
    migration.names_without_numbers(apps, None)
    after = {
        name: EditionStory.objects.values_list("author_name", "member_number").get(pk=row.pk)
        for name, row in rows.items()
    }
    assert after == {
        "Lid nr. 8": ("", 8),
        "Member no. 9": ("", 9),
        "Een oud-lid": ("", None),
        "A former member": ("", None),
        "Lid nr. 3": ("Lid nr. 3", 30),
        "Femke": ("Femke", 12),
    }
    assert EditionStory.objects.get(pk=rows["Lid nr. 8"].pk).credit() == "lid nr. 8"
