"""Fixtures the stories tests share (the site-wide ones are in tests/conftest.py)."""

from functools import partial

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


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Mail is queued when the transaction commits; inside a test it never does, so
    `with commit():` runs what waited for it at the end of the block."""
    return partial(django_capture_on_commit_callbacks, execute=True)
