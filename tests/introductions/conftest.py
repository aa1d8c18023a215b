"""Fixtures of the introductions tests."""

import pytest
from django.utils import timezone

from tests.factories import (
    IntroductionFactory,
    ParticipationFactory,
    ProfileFactory,
    ThemeFactory,
)


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


@pytest.fixture
def accepted(db):
    """Anouk and Bram, both taking part, introduced to each other, both said yes."""
    first = ParticipationFactory().membership
    second = ParticipationFactory().membership
    ProfileFactory(membership=first, display_name="Anouk")
    ProfileFactory(membership=second, display_name="Bram")
    return IntroductionFactory(
        first=first,
        second=second,
        first_answer="yes",
        second_answer="yes",
        accepted_at=timezone.now(),
    )
