"""A published edition with a cover, an illustration and two featured stories, shared
by the editions tests."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from editions.services import edition_create, edition_publish, edition_stories_choose
from stories.models import Status
from tests.factories import MembershipFactory, StoryFactory


def png(colour="navy", size=(40, 30)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="plaatje.png")


@pytest.fixture
def illustrated(book, chapters):
    """The `chapters` book with a cover, an illustration on the first chapter, a
    featured story under chapter 1, another under chapter 3 (members only), and a
    story that is only published."""
    book.cover.save("omslag.png", png("teal"), save=True)
    chapters[0].illustration.save("hoofdstuk.png", png(), save=True)
    author = MembershipFactory(number=4242)
    stories = {
        "open": StoryFactory(
            chapter=chapters[0],
            author=author,
            title="Buurtbudget in Zwolle",
            body="We gaven de buurt **het budget**.",
            status=Status.FEATURED,
            municipality="Zwolle",
        ),
        "members": StoryFactory(
            chapter=chapters[2],
            title="Alleen voor leden verteld",
            body="Een verhaal achter de deur.",
            status=Status.FEATURED,
        ),
        "plain": StoryFactory(chapter=chapters[0], title="Gewoon gepubliceerd"),
    }
    return SimpleNamespace(book=book, chapters=chapters, stories=stories)


@pytest.fixture
def published(illustrated, curator):
    edition = edition_create(label="Tussenstand 2027", curator=curator)
    edition_stories_choose(
        edition=edition,
        stories=[illustrated.stories["open"], illustrated.stories["members"]],
        curator=curator,
    )
    return edition_publish(edition=edition, curator=curator)
