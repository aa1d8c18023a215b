"""Fixtures the stories tests share (the site-wide ones are in tests/conftest.py)."""

import pytest

from members.models import Membership
from tests.factories import StoryFactory


@pytest.fixture
def membership(member):
    return Membership.objects.get(user=member)


@pytest.fixture
def story(open_chapter):
    """A published story under the open chapter, with a title the tests look for."""
    return StoryFactory(chapter=open_chapter, title="Het bankje in het park", body="Een bankje.")
