"""The refusals of the stories services: a change that cannot go through raises one of
these, with a message for the person who tried."""

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class StoryError(Exception):
    """A change that cannot go through; `message` is for the person who tried."""

    message: StrOrPromise = _("Dat lukte niet.")

    def __init__(self, message: StrOrPromise | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class NotAllowed(StoryError):
    message = _("Dat mag je niet doen.")


class RateLimited(StoryError):
    pass


class AlreadyReported(StoryError):
    message = _("Je hebt dit al gemeld. Een curator kijkt ernaar.")


class ModerationError(StoryError):
    pass
