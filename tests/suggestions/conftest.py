import pytest

from tests.factories import MembershipFactory


@pytest.fixture
def author(db):
    """A member who makes suggestions."""
    return MembershipFactory()


@pytest.fixture
def other(db):
    """Another member, who responds."""
    return MembershipFactory()


@pytest.fixture
def suggest(author):
    """suggestion_submit with sensible defaults: an addition to the section "Begin"."""
    from suggestions.services import suggestion_submit

    def make(chapter, **changes):
        values = {
            "membership": author,
            "chapter": chapter,
            "section": "begin",
            "kind": "aanvulling",
            "explanation": "Hier mist een voorbeeld uit **de praktijk**.",
        }
        return suggestion_submit(**(values | changes))

    return make
