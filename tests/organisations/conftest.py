"""Fixtures of the organisations tests."""

import pytest


@pytest.fixture(autouse=True)
def _municipalities(municipalities):
    """Every test here may take a municipality (tests.conftest.municipalities)."""
