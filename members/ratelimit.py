"""Counting attempts in Django's cache: failed claim codes, and photo uploads.

A small fixed window per key: the first failure starts a window of `limit.seconds`; when
a key reaches `limit.attempts` failures within it, the caller refuses until the window
ends. `cache.incr` is atomic in Redis (and within one process for the local memory
cache), so the count holds across web processes when REDIS_URL is set.

Claim codes are counted twice, so that a lockout lands on whoever is guessing and not on
the people who happen to share their network (a library's Wi-Fi, a book launch). A
failure is a well-formed code that cannot be claimed (unknown, revoked, claimed by
someone else): what guessing produces, and what a typo in a real code looks like. A
malformed code is refused without looking anything up and tells a guesser nothing, so
it is not counted.

- per person (CODE_FAILURES): the account, or for a visitor without one the browser
  session, started on their first failure (so a guesser who drops it makes at most the
  network's ceiling of sessions). A person over the limit is refused before their code
  is looked at, whatever they type; nobody else is affected.
- per network (CODE_GUESSES): the client's IP, with a much higher ceiling, since typos
  of everyone behind it add up. Over the ceiling, visitors without an account are
  refused before their code is looked at (fresh sessions do not help a guesser), but
  someone logged in is still served on their own account's budget: a person holding a
  book behind a throttled network can redeem its code.

What that leaves a guesser (members.codes: 16 characters of a 32-letter alphabet, 32**16
= 2**80, about 1.2e24 codes). Through the code form, from one IP: 100 failed codes an
hour without an account, plus 40 an hour (4 windows of 10) for every account; each
account needs its own verified e-mail address (allauth also allows at most 20 signups a
minute from one IP). With 1,000 accounts that is 40,100 guesses an hour. With C codes
outstanding (printed, not yet redeemed) one guess hits with probability C / 2**80: for
C = 100,000 the expected number of guesses before a hit is 1.2e19, at 40,100 an hour
3e14 hours, some 3e10 years (without accounts, 100 an hour: 1.4e13 years).

The page behind a printed copy's QR code (a GET) also tells whether a code is valid, and a
GET must not change anything, so it counts nothing: its rate is bounded only by what the
servers answer. At 1,000 requests a second, 3.6 million guesses an hour, the expected time
to hit one of 100,000 outstanding codes is still 3.3e12 hours, about 4e8 years: the 80
bits of the code are the guarantee; these counters keep the form (which locks the member
counter on every claim) from being used for it and tell honest people when to try
again."""

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from core.images import PhotoError


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    seconds: int


CODE_FAILURES = Limit(scope="claim-code", attempts=10, seconds=15 * 60)
CODE_GUESSES = Limit(scope="claim-code-guesses", attempts=100, seconds=60 * 60)
# Story photos and profile photos together, per account.
PHOTO_UPLOADS = Limit(scope="photo-upload", attempts=20, seconds=60 * 60)


@dataclass(frozen=True)
class Refusal:
    """Why a code attempt is refused before the code is looked at, and for how long."""

    minutes: int
    network: bool  # the network's ceiling, not the person's own limit


def network_key(request) -> str:
    """The client's IP, as allauth determines it (honouring its trusted proxy settings)."""
    return f"ip:{get_adapter(request).get_client_ip(request)}"


def person_key(request) -> str | None:
    """The account, or the session of a visitor without one; None for a visitor without a
    session, who has no failures yet."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if request.session.session_key:
        return f"session:{request.session.session_key}"
    return None


def _person_key_made(request) -> str:
    """person_key, starting a session for a visitor without one: their failures need
    something to be counted against. Only called on POST."""
    if not request.user.is_authenticated and not request.session.session_key:
        request.session.save()
    key = person_key(request)
    assert key is not None  # an account, or the session just started
    return key


def _cache_key(limit: Limit, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"ratelimit:{limit.scope}:{digest}"


def _ends_key(limit: Limit, key: str) -> str:
    return f"{_cache_key(limit, key)}:ends"


def failures(*, limit: Limit, key: str) -> int:
    return cache.get(_cache_key(limit, key), 0)


def is_limited(*, limit: Limit, keys: Iterable[str]) -> bool:
    counts = cache.get_many([_cache_key(limit, key) for key in keys])
    return any(count >= limit.attempts for count in counts.values())


def minutes_left(*, limit: Limit, keys: Iterable[str]) -> int:
    """Whole minutes (at least 1) until every limited key's window has ended; 0 if none
    of `keys` is limited."""
    keys = [key for key in keys if failures(limit=limit, key=key) >= limit.attempts]
    if not keys:
        return 0
    now = timezone.now()
    ends = cache.get_many([_ends_key(limit, key) for key in keys]).values()
    seconds = max(((end - now).total_seconds() for end in ends), default=0)
    return max(1, math.ceil(seconds / 60))


def _window_ends(limit: Limit, key: str) -> None:
    """Remember when the window just opened ends, for "try again in N minutes"."""
    ends = timezone.now() + timedelta(seconds=limit.seconds)
    cache.set(_ends_key(limit, key), ends, timeout=limit.seconds)


def _count(limit: Limit, key: str) -> int:
    """Count one attempt against `key`; the count in the window so far."""
    cache_key = _cache_key(limit, key)
    if cache.add(cache_key, 0, timeout=limit.seconds):
        _window_ends(limit, key)
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The window ended between add and incr: this attempt opens a new one.
        if cache.add(cache_key, 1, timeout=limit.seconds):
            _window_ends(limit, key)
        return 1


def record_failure(*, limit: Limit, keys: Iterable[str]) -> None:
    for key in keys:
        _count(limit, key)


def take(*, limit: Limit, keys: Iterable[str]) -> bool:
    """Count one attempt against every key, and say whether it is within the limit.
    Counting comes first: two requests at once cannot both take the last place, as they
    could if each checked is_limited before counting."""
    counts = [_count(limit, key) for key in keys]
    return all(count <= limit.attempts for count in counts)


def photo_upload_take(*, user) -> None:
    """Counts a photo `user` sends (a story photo or a profile photo) before it is
    decoded, and refuses it with a message for the form past PHOTO_UPLOADS. Decoding
    costs memory and time whatever the file turns out to be, so every upload counts, not
    only the photos that are kept."""
    if not take(limit=PHOTO_UPLOADS, keys=[f"user:{user.pk}"]):
        raise PhotoError(
            ngettext_lazy(
                "Je hebt het afgelopen uur al %(limit)d foto geüpload; meer kan er niet bij. "
                "Probeer het later nog eens.",
                "Je hebt het afgelopen uur al %(limit)d foto's geüpload; meer kan er niet bij. "
                "Probeer het later nog eens.",
                "limit",
            ),
            code="rate_limited",
            params={"limit": PHOTO_UPLOADS.attempts},
        )


def code_attempt_refusal(request) -> Refusal | None:
    """Whether this request's claim code must be refused unseen (see the module's
    docstring). Reads the counters, changes nothing."""
    person = person_key(request)
    if person is not None and is_limited(limit=CODE_FAILURES, keys=[person]):
        return Refusal(minutes=minutes_left(limit=CODE_FAILURES, keys=[person]), network=False)
    if not request.user.is_authenticated:
        network = network_key(request)
        if is_limited(limit=CODE_GUESSES, keys=[network]):
            return Refusal(minutes=minutes_left(limit=CODE_GUESSES, keys=[network]), network=True)
    return None


def code_failure_record(request) -> None:
    """Count a failed claim code (see the module's docstring) against the person and the
    network."""
    record_failure(limit=CODE_FAILURES, keys=[_person_key_made(request)])
    record_failure(limit=CODE_GUESSES, keys=[network_key(request)])
