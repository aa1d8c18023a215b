"""The e-mails of the stories app: composing them and the unsubscribe links they carry.
Which e-mail goes out when is decided by the services (stories.moderation,
stories.reactions, stories.following); this module only turns a decision into a message
for the `send_email` task.

Unsubscribe tokens: `signing.dumps(membership pk)` salted per kind of e-mail, so a link
from a reply e-mail cannot switch off the digest. They do not expire: an unsubscribe
link in an old e-mail must still work (RFC 8058 asks for that), and all a leaked token
can do is switch one kind of e-mail off."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from core import site_url
from core.tasks import email_after_commit, render_email
from members.models import Membership

from .models import NotificationKind, NotificationSettings

TOKEN_SALT = "stories.unsubscribe."
_muted: ContextVar[bool] = ContextVar("stories_notifications_muted", default=False)


class BadToken(Exception):
    """A token that was tampered with, or made for another kind of e-mail."""


def unsubscribe_token(*, membership: Membership, kind: str) -> str:
    return signing.dumps(membership.pk, salt=TOKEN_SALT + NotificationKind(kind).value)


def unsubscribe_membership(*, kind: str, token: str) -> Membership:
    """The membership a token was made for; BadToken if it was not made for `kind`."""
    if kind not in NotificationKind.values:
        raise BadToken(kind)
    try:
        pk = signing.loads(token, salt=TOKEN_SALT + kind)
    except signing.BadSignature as error:
        raise BadToken(kind) from error
    membership = Membership.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if membership is None:
        raise BadToken(kind)
    return membership


@contextmanager
def muted() -> Iterator[None]:
    """No e-mails from the stories services inside this block: for loading demo data,
    whose members are invented people."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """Whether e-mails are muted here (inside `muted()`), for other apps' e-mails too."""
    return _muted.get()


def preferences_for(membership: Membership) -> NotificationSettings:
    """The member's settings, or the defaults (unsaved) when they never changed them."""
    found = NotificationSettings.objects.filter(membership=membership).first()
    return found or NotificationSettings(membership=membership)


def absolute_url(path: str) -> str:
    return site_url.absolute_url(path)


def language_of(preferences: NotificationSettings) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    return preferences.language if preferences.language in available else settings.LANGUAGE_CODE


def compose(
    *,
    membership: Membership | None,
    kind: str,
    template: str,
    context: dict,
    preferences: NotificationSettings | None = None,
    folder: str = "email/stories",
) -> tuple[str, str, str, str] | None:
    """The e-mail `template` (<folder>/<template>_subject.txt and _message.txt,
    email/stories/ unless another app's `folder` is named) for `membership` as (subject,
    body, address, unsubscribe URL), or None when they do not want this kind of e-mail
    or have no address. Rendered in the member's language, with the one-click
    unsubscribe link in the text. Values in `context` that are callables (the templates
    call them) are evaluated while rendering, so URLs built by them carry the member's
    language too."""
    user = membership.user if membership is not None else None
    if _muted.get() or membership is None or user is None or not user.email:
        return None
    preferences = preferences or preferences_for(membership)
    if not preferences.wants(kind):
        return None
    with translation.override(language_of(preferences)):
        token = unsubscribe_token(membership=membership, kind=kind)
        unsubscribe_url = absolute_url(
            reverse("stories:unsubscribe", kwargs={"kind": kind, "token": token})
        )
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": site_url.site_url(),
            "membership": membership,
            "kind_label": NotificationKind(kind).label,
            "unsubscribe_url": unsubscribe_url,
            "settings_url": absolute_url(reverse("stories:notifications")),
        }
        subject, body = render_email(f"{folder}/{template}", context)
    return subject, body, user.email, unsubscribe_url


def notify(
    *,
    membership: Membership | None,
    kind: str,
    template: str,
    context: dict,
    preferences: NotificationSettings | None = None,
) -> bool:
    """Queue the e-mail `template` (see `compose`) for `membership` once the current
    transaction commits, if they want this kind of e-mail and have an address, with the
    List-Unsubscribe headers."""
    mail = compose(
        membership=membership,
        kind=kind,
        template=template,
        context=context,
        preferences=preferences,
    )
    if mail is None:
        return False
    subject, body, to, unsubscribe_url = mail
    # After the commit: a moderation or reply that rolls back sends nothing.
    email_after_commit(subject=subject, body=body, to=to, unsubscribe_url=unsubscribe_url)
    return True
