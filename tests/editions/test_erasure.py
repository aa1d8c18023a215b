"""Erasure reaches the editions: after an account is deleted no edition page, print
page or EPUB carries the member's words or name, unless they chose to leave their
stories, and then the credit is "een oud-lid" everywhere."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from community.privacy import STORIES_DELETE, STORIES_KEEP
from editions.models import EditionStory
from tests.clients import signed_in
from tests.factories import EmailAddressFactory

TITLE = "Buurtbudget in Zwolle"
BODY = "het budget"


def _everything_the_edition_serves(edition, reader) -> str:
    """The edition's chapter pages, its print page and its EPUB as `reader` gets them
    (in a browser of their own), as one text."""
    client = signed_in(reader)
    parts = [client.get(edition.get_absolute_url()).content.decode()]
    for chapter in edition.chapters.all():
        parts.append(client.get(chapter.get_absolute_url()).content.decode())
    parts.append(
        client.get(reverse("editions:edition_print", args=[edition.slug])).content.decode()
    )
    epub = client.get(reverse("editions:edition_epub", args=[edition.slug]))
    with zipfile.ZipFile(io.BytesIO(epub.getvalue())) as archive:
        parts.extend(
            archive.read(name).decode() for name in archive.namelist() if name.endswith("html")
        )
    return "\n".join(parts)


def _delete_account(client, membership, choice: str):
    user = membership.user
    EmailAddressFactory(user=user)
    client.force_login(user)
    page = client.get(reverse("account_delete"))
    # The page says what happens to the story in the edition before anything is done.
    assert page.context["in_editions"] == 1
    response = client.post(reverse("account_delete"), {"email": user.email, "stories": choice})
    assert response.status_code == 302


@pytest.mark.django_db
def test_deleting_the_stories_removes_them_from_every_edition(client, curator, published):
    author = EditionStory.objects.get(title=TITLE).story.author
    _delete_account(client, author, STORIES_DELETE)
    # A curator reads every chapter: nothing may be left anywhere.
    served = _everything_the_edition_serves(published, curator)
    assert TITLE not in served and BODY not in served
    assert "4242" not in served
    assert not EditionStory.objects.filter(title=TITLE).exists()


@pytest.mark.django_db
def test_keeping_the_stories_credits_them_to_a_former_member_everywhere(client, curator, published):
    copy = EditionStory.objects.get(title=TITLE)
    _delete_account(client, copy.story.author, STORIES_KEEP)
    served = _everything_the_edition_serves(published, curator)
    assert TITLE in served
    assert "4242" not in served and "lid nr. 4242" not in served
    assert "een oud-lid" in served
    copy.refresh_from_db()
    assert (copy.author_name, copy.member_number, copy.municipality) == ("", None, "")


@pytest.mark.django_db
def test_a_copy_whose_story_was_already_deleted_is_found_by_the_member_number(
    client, curator, published
):
    copy = EditionStory.objects.get(title=TITLE)
    author = copy.story.author
    copy.story.delete()  # the author removed the story itself earlier
    _delete_account(client, author, STORIES_DELETE)
    assert not EditionStory.objects.filter(title=TITLE).exists()


def _stored_copies() -> dict[str, bytes]:
    """Every EPUB and print copy in storage (editions.builds), by name."""
    stored = {}
    folders, _files = default_storage.listdir("editions/built")
    for folder in folders:
        _dirs, files = default_storage.listdir(f"editions/built/{folder}")
        for name in files:
            with default_storage.open(f"editions/built/{folder}/{name}", "rb") as copy:
                stored[name] = copy.read()
    return stored


def _words_in(name: str, data: bytes) -> str:
    if name.endswith(".epub"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(
                archive.read(part).decode() for part in archive.namelist() if part.endswith("html")
            )
    return data.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("choice", [STORIES_DELETE, STORIES_KEEP])
def test_erasure_discards_the_stored_epub_and_print_copies(
    client, curator, published, choice, django_capture_on_commit_callbacks
):
    author = EditionStory.objects.get(title=TITLE).story.author
    before = _everything_the_edition_serves(published, curator)
    Client().get(reverse("editions:edition_epub", args=[published.slug]))  # the open copy
    assert "4242" in before
    stored = _stored_copies()
    assert {name.split("-")[1] for name in stored} == {"members", "open"}
    assert all("4242" in _words_in(name, data) for name, data in stored.items())

    with django_capture_on_commit_callbacks(execute=True):
        _delete_account(client, author, choice)

    assert _stored_copies() == {}  # nothing of the old rows is left in storage
    after = _everything_the_edition_serves(published, curator)
    assert "4242" not in after
    assert (TITLE in after) == (choice == STORIES_KEEP)
    assert all(name.startswith("v2-") for name in _stored_copies())
