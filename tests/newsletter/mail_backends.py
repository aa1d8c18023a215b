"""Mail backends for the tests of sending: one that stands for a worker killed in the
middle of a batch, one for a mail server that refuses."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the code under test catches it, as nothing catches
    a SIGKILL."""


#: How many more mails go out before the "worker" dies; None: it never dies.
budget: dict[str, int | None] = {"left": None}


class DyingBackend(EmailBackend):
    """Delivers to the outbox like locmem until its budget is spent, then dies before
    handing over the next mail."""

    def send_messages(self, messages):
        if budget["left"] is not None:
            if budget["left"] <= 0:
                raise WorkerKilled
            budget["left"] -= 1
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
