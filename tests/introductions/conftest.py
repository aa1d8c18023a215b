"""Fixtures of the introductions tests."""

from functools import partial

import pytest

from tests.factories import ParticipationFactory, ProfileFactory, ThemeFactory


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """E-mails are queued when the transaction commits: `with commit():` runs them."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def themes(db):
    return [ThemeFactory(name=name, slug=name.lower()) for name in ("Groen", "Geld", "Buurt")]


@pytest.fixture
def pair(themes):
    """A resident who knows about green spaces and a civil servant who looks for that,
    both taking part."""
    green = themes[0]
    resident = ParticipationFactory(knows=[green])
    official = ParticipationFactory(seeks=[green])
    ProfileFactory(membership=resident.membership, display_name="Anouk", role="resident")
    ProfileFactory(membership=official.membership, display_name="Bram", role="government")
    return resident.membership, official.membership
