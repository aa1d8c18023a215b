import re
import time
import types

import pytest

from tests.factories import EmailAddressFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def verified_user(db):
    """A user who finished signup: one verified, primary e-mail address."""
    user = UserFactory(email="lid@example.org")
    EmailAddressFactory(user=user)
    return user


@pytest.fixture
def verified_client(client, verified_user):
    client.force_login(verified_user)
    return client


def link_in(body: str, path_start: str) -> str:
    """The path of the first link in a mail body that starts with `path_start`."""
    match = re.search(rf"https?://testserver({re.escape(path_start)}\S+)", body)
    assert match, f"no link to {path_start} in:\n{body}"
    return match.group(1)


def code_in(body: str) -> str:
    """allauth's default codes: eight characters, dashed in the middle."""
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.MULTILINE)
    assert match, f"no code in:\n{body}"
    return match.group(1)


@pytest.fixture
def clock(monkeypatch):
    """The clock allauth's rate limits read, to be moved forward by the test."""
    offset = {"seconds": 0}
    fake = types.SimpleNamespace(
        time=lambda: time.time() + offset["seconds"],
        monotonic=time.monotonic,
        sleep=time.sleep,
    )
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", fake)

    def forward(seconds: int) -> None:
        offset["seconds"] += seconds

    return forward
