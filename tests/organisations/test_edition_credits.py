"""An edition's credits name the author's organisation (by its current name) where the
story names one and the author shows that they belong to it, on the edition's pages, in
print and in the EPUB, which also list "Organisaties in deze tussenstand"."""

import io
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.privacy import account_delete
from editions.models import EditionStory
from editions.services import edition_create, edition_publish, edition_stories_choose
from stories.models import Status
from tests.editions.test_editions import _epubcheck
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StoryFactory,
)
from tests.markup import select, text, texts

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def edition(chapters, curator):
    """Three stories beneath the open chapter: one naming an organisation its author
    shows they belong to, one naming an organisation its author keeps private (the
    credit gives the story's municipality instead), one naming none."""
    shown = OrganisationFactory(name="Wijkbedrijf Zuidpoort")
    private = OrganisationFactory(name="Stichting Stil")
    femke = ProfileFactory(display_name="Femke", membership=MembershipFactory(number=912))
    AffiliationFactory(membership=femke.membership, organisation=shown, public=True)
    bram = ProfileFactory(display_name="Bram", membership=MembershipFactory(number=913))
    AffiliationFactory(membership=bram.membership, organisation=private, public=False)
    stories = [
        StoryFactory(
            chapter=chapters[0],
            author=femke.membership,
            title="Met organisatie",
            status=Status.FEATURED,
            organisation=shown,
            municipality="Zwolle",
        ),
        StoryFactory(
            chapter=chapters[0],
            author=bram.membership,
            title="Organisatie niet openbaar",
            status=Status.FEATURED,
            organisation=private,
            municipality="Kampen",
        ),
        StoryFactory(
            chapter=chapters[0],
            author=MembershipFactory(number=914),
            title="Zonder",
            status=Status.FEATURED,
        ),
    ]
    draft = edition_create(label="Tussenstand 2027", curator=curator)
    edition_stories_choose(edition=draft, stories=stories, curator=curator)
    return edition_publish(edition=draft, curator=curator)


CREDITS = [
    "— Femke, lid nr. 912, Wijkbedrijf Zuidpoort",
    "— Bram, lid nr. 913, Kampen",
    "— lid nr. 914",
]


def _chapter_page(client, edition):
    return client.get(edition.chapters.get(number=1).get_absolute_url())


def test_credits_name_the_shown_organisation_on_the_page_and_in_print(client, edition):
    assert sorted(texts(_chapter_page(client, edition), ".edition-story__credit")) == sorted(
        CREDITS
    )
    printed = client.get(reverse("editions:edition_print", args=[edition.slug]))
    assert sorted(texts(printed, ".print-story__credit")) == sorted(CREDITS)
    assert texts(printed, ".edition-organisations li") == ["Wijkbedrijf Zuidpoort"]


def test_the_edition_lists_its_organisations_by_their_current_name(client, edition):
    organisation = EditionStory.objects.get(title="Met organisatie").organisation
    organisation.name = "Wijkbedrijf Zuidpoort en Omstreken"
    organisation.save()
    page = client.get(edition.get_absolute_url())
    (listed,) = select(page, ".edition-organisations")
    assert "Organisaties in deze tussenstand" in text(listed)
    assert texts(page, ".edition-organisations li") == ["Wijkbedrijf Zuidpoort en Omstreken"]
    assert "— Femke, lid nr. 912, Wijkbedrijf Zuidpoort en Omstreken" in texts(
        _chapter_page(client, edition), ".edition-story__credit"
    )


def test_the_epub_credits_and_lists_the_organisation_and_passes_epubcheck(
    client, edition, member, tmp_path
):
    client.force_login(member)
    data = client.get(reverse("editions:edition_epub", args=[edition.slug])).getvalue()
    epub = zipfile.ZipFile(io.BytesIO(data))
    credits, listed = [], []
    for name in epub.namelist():
        if not name.endswith(".xhtml"):
            continue
        tree = ET.fromstring(epub.read(name))
        credits += [
            "".join(p.itertext()) for p in tree.iter(f"{XHTML}p") if p.get("class") == "credit"
        ]
        if "title" in name:
            listed += ["".join(li.itertext()) for li in tree.iter(f"{XHTML}li")]
    assert sorted(credits) == sorted(CREDITS)
    assert listed == ["Wijkbedrijf Zuidpoort"]
    if shutil.which("epubcheck"):
        result = _epubcheck(data, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_member_who_leaves_keeping_their_stories_is_no_longer_credited(client, edition):
    story = EditionStory.objects.get(title="Met organisatie")
    account_delete(user=story.story.author.user)
    story.refresh_from_db()
    assert (story.credit(), story.organisation) == ("een oud-lid", None)
    assert not select(client.get(edition.get_absolute_url()), ".edition-organisations")


def test_the_chapter_page_reads_the_organisations_in_the_same_query(client, chapters, curator):
    def publish(count):
        stories = []
        for n in range(count):
            affiliation = AffiliationFactory()
            stories.append(
                StoryFactory(
                    chapter=chapters[0],
                    author=affiliation.membership,
                    organisation=affiliation.organisation,
                    title=f"Verhaal {n}",
                    status=Status.FEATURED,
                )
            )
        draft = edition_create(label=f"Editie {count}", curator=curator)
        edition_stories_choose(edition=draft, stories=stories, curator=curator)
        return edition_publish(edition=draft, curator=curator)

    counts = []
    for edition in (publish(1), publish(8)):
        url = edition.chapters.get(number=1).get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]
