"""The bureau's e-mails, each in the member's language, each with a link that switches
taking part off (RFC 8058 one-click too). Links that answer carry a signed token for
one member and one introduction that expires with the introduction: they open a page
that asks for the answer (a POST), never an answer by merely opening them."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from core import site_url
from core.tasks import email_after_commit, render_email
from members.models import Membership, membership_display_name
from stories.models import Theme
from stories.notifications import is_muted, preferences_for

from .models import ANSWER_DAYS, CoauthorInvitation, Introduction, Message

ANSWER_SALT = "introductions.answer"
STOP_SALT = "introductions.stop"

#: What an e-mail's stop link switches off: taking part in introductions ("rounds"),
#: or the e-mails about new messages in a thread ("messages"). A token of one kind
#: cannot switch off the other.
STOP_KINDS = ("rounds", "messages")


class BadToken(Exception):
    """Tampered with, made for something else, or expired."""


def answer_token(*, introduction: Introduction, membership: Membership) -> str:
    return signing.dumps([introduction.pk, membership.pk], salt=ANSWER_SALT)


def answer_token_read(token: str) -> tuple[int, int]:
    """(introduction pk, membership pk) of a token; BadToken when it is not good."""
    try:
        value = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_DAYS * 86400)
    except signing.BadSignature as error:
        raise BadToken from error
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise BadToken
    return value[0], value[1]


def _stop_salt(kind: str) -> str:
    if kind not in STOP_KINDS:
        raise BadToken(kind)
    # "rounds" keeps the salt of the links sent before there were two kinds.
    return STOP_SALT if kind == "rounds" else f"{STOP_SALT}.{kind}"


def stop_token(membership: Membership, kind: str = "rounds") -> str:
    return signing.dumps(membership.pk, salt=_stop_salt(kind))


def stop_token_read(token: str, kind: str = "rounds") -> Membership:
    try:
        pk = signing.loads(token, salt=_stop_salt(kind))
    except signing.BadSignature as error:
        raise BadToken from error
    membership = Membership.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if membership is None:
        raise BadToken
    return membership


def _language(membership: Membership) -> str:
    chosen = preferences_for(membership).language
    return (
        chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
    )


def _send(membership: Membership, template: str, context: dict, *, kind: str = "rounds") -> None:
    """The e-mail `template` for `membership`, whose stop link switches off `kind`."""
    user = membership.user
    if is_muted() or user is None or not user.email:
        return
    view = "introductions:stop" if kind == "rounds" else "introductions:stop_messages"
    with translation.override(_language(membership)):
        stop_url = site_url.absolute_url(
            reverse(view, kwargs={"token": stop_token(membership, kind)})
        )
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "membership": membership,
            "name": membership_display_name(membership),
            "stop_kind": kind,
            "stop_url": stop_url,
            "settings_url": site_url.absolute_url(reverse("introductions:settings")),
        }
        subject, body = render_email(f"email/introductions/{template}", context)
    email_after_commit(subject=subject, body=body, to=user.email, unsubscribe_url=stop_url)


def _themes() -> dict[int, str]:
    return dict(Theme.objects.values_list("pk", "name"))


def why(introduction: Introduction, membership: Membership, themes: dict[int, str]) -> dict:
    """For `membership`: what they know that the other seeks, the other way round, and
    what they share, as theme names."""
    mine, theirs = (
        ("first_helps", "second_helps")
        if introduction.side(membership) == "first"
        else ("second_helps", "first_helps")
    )
    names = {
        key: [themes[pk] for pk in introduction.topics.get(key, []) if pk in themes]
        for key in ("first_helps", "second_helps", "shared")
    }
    return {"i_help": names[mine], "they_help": names[theirs], "shared": names["shared"]}


def _role(membership: Membership) -> str:
    profile = getattr(membership, "profile", None)  # None: no profile row
    return profile.get_role_display() if profile is not None else ""


def _question(membership: Membership) -> str:
    participation = getattr(membership, "participation", None)  # None: no row
    return participation.question if participation is not None else ""


def introductions_announce(pks: list[int], *, skip: int | None = None) -> None:
    """Tell both people of each introduction who the other is and why (the member
    `skip`, who asked for it, already knows)."""
    themes = _themes()
    introductions = Introduction.objects.filter(pk__in=pks).select_related(
        "first__user",
        "first__profile",
        "second__user",
        "second__profile",
        "first__participation",
        "second__participation",
    )
    for introduction in introductions:
        for membership in (introduction.first, introduction.second):
            if membership.pk == skip:
                continue
            other = introduction.other(membership)
            token = answer_token(introduction=introduction, membership=membership)
            _send(
                membership,
                "introduced",
                {
                    "introduction": introduction,
                    "other_name": membership_display_name(other),
                    "other_role": _role(other),
                    "other_question": _question(other),
                    "why": why(introduction, membership, themes),
                    "answer_url": site_url.absolute_url(
                        reverse("introductions:answer", kwargs={"token": token})
                    ),
                },
            )


def introduction_accepted(introduction: Introduction) -> None:
    """Both said yes: each gets the other's address."""
    for membership in (introduction.first, introduction.second):
        other = introduction.other(membership)
        _send(
            membership,
            "accepted",
            {
                "other_name": membership_display_name(other),
                "other_email": other.user.email if other.user else "",
                "introduction_url": site_url.absolute_url(
                    reverse("introductions:detail", kwargs={"pk": introduction.pk})
                ),
            },
        )


def follow_ups(pks: list[int]) -> None:
    introductions = Introduction.objects.filter(pk__in=pks).select_related(
        "first__user", "first__profile", "second__user", "second__profile"
    )
    for introduction in introductions:
        for membership in (introduction.first, introduction.second):
            _send(
                membership,
                "follow_up",
                {
                    "other_name": membership_display_name(introduction.other(membership)),
                    "introduction_url": site_url.absolute_url(
                        reverse("introductions:detail", kwargs={"pk": introduction.pk})
                    ),
                },
            )


def message_received(message: Message) -> None:
    """The other member of the thread hears of a new message, unless they switched
    those e-mails off. Sent after the commit, as every e-mail of the site."""
    introduction = message.introduction
    side = introduction.side(message.author)
    other = Membership.objects.select_related("user", "profile", "participation").get(
        pk=introduction.second_id if side == "first" else introduction.first_id
    )
    participation = getattr(other, "participation", None)  # None: no row, the defaults
    if participation is not None and not participation.message_emails:
        return
    _send(
        other,
        "message",
        {
            "other_name": membership_display_name(message.author),
            "excerpt": message.body[:600],
            "thread_url": site_url.absolute_url(
                reverse("introductions:thread", kwargs={"pk": introduction.pk})
            ),
        },
        kind="messages",
    )


def coauthor_invited(invitation: CoauthorInvitation, *, inviter: Membership) -> None:
    """The invited member hears who asks them to write which story together."""
    invited = Membership.objects.select_related("user", "profile").get(pk=invitation.invited_id)
    _send(
        invited,
        "coauthor_invited",
        {
            "other_name": membership_display_name(inviter),
            "story_title": invitation.story.title,
            "introduction_url": site_url.absolute_url(
                reverse("introductions:detail", kwargs={"pk": invitation.introduction_id})
            ),
        },
    )
