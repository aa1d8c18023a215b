"""The e-mails of the suggestions app: the curators' answer to a suggestion (to its
author and to everyone who responded) and the question whether kept dissent may go in
an edition. They are a kind of the stories' e-mails (NotificationKind.SUGGESTIONS), with
its one-click unsubscribe link, in the member's language (stories.notifications.notify).

The consent link carries a signed token of the suggestion (salted for this use, valid
CONSENT_DAYS): whoever holds the e-mail may answer, as with an introduction."""

from django.core import signing
from django.urls import reverse

from stories.models import NotificationKind
from stories.notifications import absolute_url, notify

from .models import Suggestion

CONSENT_SALT = "suggestions.dissent-consent"
CONSENT_DAYS = 90


class BadToken(Exception):
    """A consent token that was tampered with, expired, or names no suggestion."""


def consent_token(suggestion: Suggestion) -> str:
    return signing.dumps(suggestion.pk, salt=CONSENT_SALT)


def consent_suggestion(token: str) -> Suggestion:
    """The suggestion a consent token was made for; BadToken otherwise."""
    try:
        pk = signing.loads(token, salt=CONSENT_SALT, max_age=CONSENT_DAYS * 86400)
    except signing.BadSignature as error:
        raise BadToken from error
    found = Suggestion.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise BadToken
    return found


def answered(*, suggestion: Suggestion) -> int:
    """The curators answered: the author and each member who responded hear of it."""
    context = {
        "suggestion": suggestion,
        "suggestion_url": lambda: absolute_url(suggestion.get_absolute_url()),
    }
    sent = 0
    recipients = [suggestion.author] + [
        response.member
        for response in suggestion.responses.select_related("member__user")
        if response.member_id is not None
    ]
    for membership in recipients:
        is_author = membership is suggestion.author
        sent += notify(
            membership=membership,
            kind=NotificationKind.SUGGESTIONS,
            folder="email/suggestions",
            template="answered" if is_author else "answered_responder",
            context=context,
        )
    return sent


def dissent_consent_ask(*, suggestion: Suggestion) -> bool:
    """Ask the author whether their kept dissent may go in an edition's appendix."""
    token = consent_token(suggestion)
    return notify(
        membership=suggestion.author,
        kind=NotificationKind.SUGGESTIONS,
        folder="email/suggestions",
        template="dissent_consent",
        context={
            "suggestion": suggestion,
            "consent_url": lambda: absolute_url(
                reverse("suggestions:consent", kwargs={"token": token})
            ),
        },
    )
