""" "Tegengeluid": an edition keeps the dissent the curators kept, when its author
agreed, in the web, print and EPUB editions; members' chapters' dissent for members;
leaving reaches it."""

import io
import shutil
import zipfile

import pytest
from django.urls import reverse

from community.privacy import STORIES_DELETE, STORIES_KEEP, account_delete
from editions.services import edition_create, edition_publish
from suggestions.models import Consent, SuggestionStatus
from tests.editions.test_editions import _epubcheck
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    SuggestionFactory,
)
from tests.markup import texts

pytestmark = pytest.mark.django_db


def _dissent(chapter, author, consent, quote):
    return SuggestionFactory(
        chapter=chapter,
        author=author,
        kind="tegengeluid",
        quote=quote,
        explanation="Wij zien het **anders**: eerst de buurt, dan het plan.",
        status=SuggestionStatus.DISSENT,
        answer="We bewaren het als tegengeluid.",
        dissent_consent=consent,
    )


@pytest.fixture
def voices(chapters):
    femke = MembershipFactory()
    ProfileFactory(membership=femke, display_name="Femke")
    AffiliationFactory(membership=femke, organisation=OrganisationFactory(name="Buurtkracht"))
    other = MembershipFactory()
    _dissent(chapters[0], femke, Consent.GIVEN, "Open passage met bezwaar.")
    _dissent(chapters[2], other, Consent.GIVEN, "Passage uit het ledenhoofdstuk.")
    _dissent(chapters[0], other, Consent.REFUSED, "Liever niet in het boek.")
    _dissent(chapters[0], other, Consent.ASKED, "Nog geen antwoord.")
    return femke, other


@pytest.fixture
def edition(voices, curator):
    return edition_publish(
        edition=edition_create(label="Tussenstand 2027", curator=curator), curator=curator
    )


def test_the_edition_keeps_the_dissent_its_authors_agreed_to(client, edition, voices, member):
    femke, other = voices
    page = client.get(edition.get_absolute_url())
    assert texts(page, ".edition-dissent__credit") == [
        f"Femke, lid nr. {femke.number}, Buurtkracht",
        f"lid nr. {other.number}",
    ]
    body = page.content.decode()
    assert "Open passage met bezwaar." in body
    assert "Liever niet in het boek." not in body and "Nog geen antwoord." not in body
    # A members' chapter's dissent is for members, as the chapter is.
    assert "Passage uit het ledenhoofdstuk." not in body
    client.force_login(member)
    assert (
        "Passage uit het ledenhoofdstuk." in client.get(edition.get_absolute_url()).content.decode()
    )


def test_print_and_epub_carry_the_appendix(client, edition, member, tmp_path):
    printed = client.get(reverse("editions:edition_print", kwargs={"slug": edition.slug}))
    assert len(texts(printed, ".edition-dissent__voice")) == 2
    client.force_login(member)
    epub = client.get(reverse("editions:edition_epub", args=[edition.slug]))
    data = b"".join(epub.streaming_content) if epub.streaming else epub.content
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    page = next(name for name in names if name.endswith("dissent.xhtml"))
    xhtml = zipfile.ZipFile(io.BytesIO(data)).read(page).decode()
    assert "Passage uit het ledenhoofdstuk." in xhtml and "Buurtkracht" in xhtml
    if shutil.which("epubcheck"):
        result = _epubcheck(data, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr


def test_leaving_keeps_the_voice_as_a_former_member_or_takes_it_out(client, edition, voices):
    femke, other = voices
    account_delete(user=femke.user, stories=STORIES_KEEP)
    credits = texts(client.get(edition.get_absolute_url()), ".edition-dissent__credit")
    assert credits == ["een oud-lid", f"lid nr. {other.number}"]
    account_delete(user=other.user, stories=STORIES_DELETE)
    page = client.get(edition.get_absolute_url())
    assert texts(page, ".edition-dissent__credit") == ["een oud-lid"]
    assert "Passage uit het ledenhoofdstuk." not in page.content.decode()
