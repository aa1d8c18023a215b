"""Stories written together (stories.models.Story.coauthors) credit every author in an
edition: on its chapter pages, in print and in the EPUB, in the order the story shows
them, each as the member shows themselves (name, copy number, organisation), and the
co-authors' organisations are among "Organisaties in deze tussenstand". Leaving reaches
a co-author's credit as it reaches an author's."""

import shutil
from types import SimpleNamespace

import pytest
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from community.privacy import STORIES_DELETE, STORIES_KEEP, account_delete
from editions.models import EditionStory, EditionStoryCoauthor, credits_joined
from editions.services import edition_create, edition_publish, edition_stories_choose
from stories.models import Status
from stories.writing import story_coauthor_add
from tests.editions.test_credit import epub_credits
from tests.editions.test_editions import _epubcheck
from tests.editions.test_erasure import _everything_the_edition_serves, _stored_copies
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StoryFactory,
)
from tests.markup import one, text, texts

pytestmark = pytest.mark.django_db

html_test = SimpleTestCase()

TOGETHER = "Samen de buurt in"
PAIR = "Met z'n tweeën"


def _member(name: str = "", organisation=None):
    membership = MembershipFactory()
    if name:
        ProfileFactory(membership=membership, display_name=name)
    if organisation is not None:
        AffiliationFactory(membership=membership, organisation=organisation)
    return membership


@pytest.fixture
def together(chapters, curator):
    """A published edition with, under the first (open) chapter, a story by Anna
    written with Bram and with a member who chose no name, naming Anna's organisation,
    and a story by Bram written with Anna under the third (members') chapter."""
    wilgendaal = OrganisationFactory(name="Gemeente Wilgendaal")
    buurtkracht = OrganisationFactory(name="Stichting Buurtkracht")
    anna = _member("Anna", wilgendaal)
    bram = _member("Bram", buurtkracht)
    nameless = _member()
    three = StoryFactory(
        chapter=chapters[0],
        author=anna,
        title=TOGETHER,
        organisation=wilgendaal,
        status=Status.FEATURED,
    )
    pair = StoryFactory(
        chapter=chapters[2],
        author=bram,
        title=PAIR,
        municipality="Zwolle",
        status=Status.FEATURED,
    )
    # A story shows its co-authors in the order of their memberships
    # (Story.coauthor_names), whatever the order they joined it in.
    for membership in (nameless, bram):
        story_coauthor_add(story=three, membership=membership)
    story_coauthor_add(story=pair, membership=anna)
    draft = edition_create(label="Tussenstand 2027", curator=curator)
    edition_stories_choose(edition=draft, stories=[three, pair], curator=curator)
    edition = edition_publish(edition=draft, curator=curator)
    return SimpleNamespace(
        edition=edition,
        anna=anna,
        bram=bram,
        nameless=nameless,
        credits={
            TOGETHER: (
                f"Anna, lid nr. {anna.number}, Gemeente Wilgendaal; "
                f"Bram, lid nr. {bram.number}, Stichting Buurtkracht "
                f"en lid nr. {nameless.number}"
            ),
            PAIR: (
                f"Bram, lid nr. {bram.number}, Zwolle "
                f"en Anna, lid nr. {anna.number}, Gemeente Wilgendaal"
            ),
        },
    )


def _chapter_credits(client, edition) -> list[str]:
    credits = []
    for chapter in edition.chapters.all():
        credits += texts(client.get(chapter.get_absolute_url()), ".edition-story__credit")
    return credits


def _print_credits(client, edition) -> list[str]:
    return texts(
        client.get(reverse("editions:edition_print", args=[edition.slug])), ".print-story__credit"
    )


def test_publishing_copies_every_author_in_the_order_the_story_shows_them(together):
    copy = EditionStory.objects.get(title=TOGETHER)
    assert list(
        copy.coauthors.values_list("position", "author_name", "member_number", "member")
    ) == [
        (1, "Bram", together.bram.number, together.bram.pk),
        (2, "", together.nameless.number, together.nameless.pk),
    ]
    assert [c.organisation.name for c in copy.coauthors.all() if c.organisation] == [
        "Stichting Buurtkracht"
    ]


@pytest.mark.parametrize("read", [_chapter_credits, _print_credits], ids=["pages", "print"])
def test_the_edition_credits_all_authors_on_its_pages_and_in_print(client, together, read):
    client.force_login(together.anna.user)  # a member reads the members' chapter too
    assert sorted(read(client, together.edition)) == sorted(
        f"— {credit}" for credit in together.credits.values()
    )


def test_the_epub_credits_all_authors(client, together):
    client.force_login(together.nameless.user)
    assert sorted(epub_credits(client, together.edition)) == sorted(
        f"— {credit}" for credit in together.credits.values()
    )


@pytest.mark.skipif(not shutil.which("epubcheck"), reason="epubcheck is not installed")
def test_the_epub_with_stories_written_together_passes_epubcheck(client, together, tmp_path):
    client.force_login(together.anna.user)
    response = client.get(reverse("editions:edition_epub", args=[together.edition.slug]))
    result = _epubcheck(response.getvalue(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_co_authors_organisation_is_among_the_organisations_of_the_edition(client, together):
    expected = ["Gemeente Wilgendaal", "Stichting Buurtkracht"]
    page = client.get(together.edition.get_absolute_url())
    assert texts(page, ".edition-organisations__list li") == expected
    printed = client.get(reverse("editions:edition_print", args=[together.edition.slug]))
    assert texts(printed, ".edition-organisations__list li") == expected
    # Stichting Buurtkracht is named by Bram's credit as a co-author only.
    assert [o.name for o in together.edition.organisations()] == expected


def test_the_credit_of_several_authors_is_in_the_reading_language(together):
    story = EditionStory.objects.for_credits().get(title=PAIR)
    with translation.override("en"):
        assert story.credit() == (
            f"Bram, member no. {together.bram.number}, Zwolle "
            f"and Anna, member no. {together.anna.number}, Gemeente Wilgendaal"
        )


def test_credits_are_joined_as_a_sentence_lists_them():
    assert credits_joined(["Anna"]) == "Anna"
    assert credits_joined(["Anna", "Bram"]) == "Anna en Bram"
    assert credits_joined(["Anna", "Bram", "Cas"]) == "Anna, Bram en Cas"
    # Credits with commas of their own are kept apart by semicolons.
    assert credits_joined(["Anna, lid nr. 1", "Bram", "Cas, Zwolle"]) == (
        "Anna, lid nr. 1; Bram en Cas, Zwolle"
    )
    with translation.override("en"):
        assert credits_joined(["Anna", "Bram", "Cas"]) == "Anna, Bram and Cas"


# ---- Leaving ----------------------------------------------------------------------------


def test_a_co_author_who_leaves_keeping_their_stories_is_credited_as_a_former_member(
    client, together, curator
):
    bram = together.bram
    account_delete(user=bram.user, stories=STORIES_KEEP)
    client.force_login(curator)
    anna = together.anna
    # On PAIR Bram was the author: the story stays, credited to "een oud-lid".
    expected = {
        f"— Anna, lid nr. {anna.number}, Gemeente Wilgendaal; een oud-lid "
        f"en lid nr. {together.nameless.number}",
        f"— een oud-lid en Anna, lid nr. {anna.number}, Gemeente Wilgendaal",
    }
    assert set(_chapter_credits(client, together.edition)) == expected
    assert set(_print_credits(client, together.edition)) == expected
    served = _everything_the_edition_serves(together.edition, curator)
    assert "Bram" not in served and "Buurtkracht" not in served
    assert f"nr. {bram.number}" not in served
    assert not EditionStoryCoauthor.objects.filter(member=bram).exists()


def test_a_co_author_who_leaves_taking_their_stories_leaves_the_credits(
    client, together, curator, commit
):
    nameless, anna = together.nameless, together.anna
    client.force_login(curator)
    _print_credits(client, together.edition)  # a print copy stored before
    assert [name[:3] for name in _stored_copies()] == ["v1-"]
    with commit():
        account_delete(user=nameless.user, stories=STORIES_DELETE)
    # The story stays with the authors who stay, as it does on the site.
    assert set(_chapter_credits(client, together.edition)) == {
        f"— Anna, lid nr. {anna.number}, Gemeente Wilgendaal "
        f"en Bram, lid nr. {together.bram.number}, Stichting Buurtkracht",
        f"— {together.credits[PAIR]}",
    }
    served = _everything_the_edition_serves(together.edition, curator)
    assert f"nr. {nameless.number}" not in served and TOGETHER in served
    # The copies stored before are gone; those served since are the new version's.
    assert all(name.startswith("v2-") for name in _stored_copies())


def test_an_author_who_leaves_taking_their_stories_passes_a_story_written_together_on(
    client, together, curator
):
    """The site gives the story to its first co-author (stories.privacy); the edition
    keeps it too, credited to the authors who stay: the first co-author's credit takes
    the author's place."""
    anna, bram, nameless = together.anna, together.bram, together.nameless
    account_delete(user=anna.user, stories=STORIES_DELETE)
    client.force_login(curator)
    assert set(_chapter_credits(client, together.edition)) == {
        f"— Bram, lid nr. {bram.number}, Stichting Buurtkracht en lid nr. {nameless.number}",
        f"— Bram, lid nr. {bram.number}, Zwolle",
    }
    served = _everything_the_edition_serves(together.edition, curator)
    assert "Anna" not in served and "Wilgendaal" not in served
    assert f"nr. {anna.number}" not in served
    # Whoever leaves next is found on the story they were given.
    account_delete(user=nameless.user, stories=STORIES_DELETE)
    assert set(_chapter_credits(client, together.edition)) == {
        f"— Bram, lid nr. {bram.number}, Stichting Buurtkracht",
        f"— Bram, lid nr. {bram.number}, Zwolle",
    }


def test_the_deletion_page_counts_the_stories_written_together(client, together):
    """A co-author is asked what becomes of their writing, and told how many of the
    edition's stories are theirs."""
    client.force_login(together.nameless.user)
    page = client.get(reverse("account_delete"))
    assert page.context["in_editions"] == 1
    assert "stories" in page.context["form"].fields
    assert "blijft bij je mede-auteur staan" in text(one(page, "#edities-uitleg + p"))
