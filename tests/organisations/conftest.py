"""Fixtures of the organisations tests."""

import pytest

from organisations.models import Organisation
from organisations.municipalities import data_file_rows, municipalities_update


@pytest.fixture(autouse=True)
def municipalities(request):
    """The municipalities a migration loads. The browser tests empty the database
    after each of theirs (transactional tests), taking that data along, so a test that
    runs after them finds it put back (in its own transaction, rolled back after it)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    if not Organisation.objects.municipalities().exists():
        municipalities_update(rows=data_file_rows())
