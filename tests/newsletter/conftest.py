import pytest

from . import mail_backends


@pytest.fixture
def dying_worker(settings):
    """`dying_worker(n)`: the next n mails go out, then the worker dies mid-batch;
    `dying_worker(None)`: restarted, it lives."""
    settings.MAILERS = {"default": {"BACKEND": "tests.newsletter.mail_backends.DyingBackend"}}

    def arm(left):
        mail_backends.budget["left"] = left

    yield arm
    mail_backends.budget["left"] = None
