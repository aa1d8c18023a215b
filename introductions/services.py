"""What happens to introductions: a member's settings, a round, the answers, a
request, a curator's introduction, a report, a block, the follow-up, and the member's
data. Views, the admin and the command call these; nothing else changes the rows."""

import time
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from members.models import Membership
from organisations.models import Affiliation
from stories.models import Theme

from . import matching, notifications
from .models import (
    FOLLOW_UP_DAYS,
    FREQUENCY_DAYS,
    Answer,
    Block,
    Introduction,
    Message,
    Met,
    Origin,
    Participation,
    Round,
)

#: "Stel mij voor aan ...": at most this many requests per member per week.
REQUESTS_PER_WEEK = 3


class IntroductionError(Exception):
    """A request the bureau refuses; the message says why, in the member's words."""


def participation_for(membership: Membership) -> Participation:
    """The member's settings, or the defaults (unsaved: everything off)."""
    found = Participation.objects.filter(membership=membership).first()
    return found or Participation(membership=membership)


def participation_save(
    *,
    membership: Membership,
    takes_part: bool,
    knows: list[Theme],
    seeks: list[Theme],
    question: str,
    frequency: str,
    format: str,  # noqa: A002 - the field's name
    reach: str,
    paused_until=None,
    message_emails: bool = True,
) -> Participation:
    with transaction.atomic():
        participation, _created = Participation.objects.select_for_update().get_or_create(
            membership=membership
        )
        participation.takes_part = takes_part
        participation.question = question.strip()
        participation.frequency = frequency
        participation.format = format
        participation.reach = reach
        participation.paused_until = paused_until
        participation.message_emails = message_emails
        participation.save()
        participation.knows.set(knows)
        participation.seeks.set(seeks)
        return participation


def participation_stop(*, membership: Membership, kind: str = "rounds") -> None:
    """An e-mail's unsubscribe link: switch taking part off ("rounds"), or the e-mails
    about new messages ("messages"; the row is made if the member had none)."""
    if kind == "messages":
        with transaction.atomic():
            Participation.objects.get_or_create(membership=membership)
            Participation.objects.filter(membership=membership).update(message_emails=False)
    else:
        Participation.objects.filter(membership=membership).update(takes_part=False)


def _place(text: str) -> str:
    """A municipality as free text, compared without case, accents or "Gemeente "."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    bare = " ".join(bare.split())
    return bare.removeprefix("gemeente ").strip()


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _excluded_pairs(pks: list[int]) -> set[tuple[int, int]]:
    """Pairs never to introduce: introduced before, or blocked either way."""
    excluded = set(
        Introduction.objects.filter(Q(first__in=pks) | Q(second__in=pks)).values_list(
            "first_id", "second_id"
        )
    )
    blocks = Block.objects.filter(Q(blocker__in=pks) | Q(blocked__in=pks))
    excluded |= {_pair(a, b) for a, b in blocks.values_list("blocker_id", "blocked_id")}
    return excluded


def _last_introduced(pks: list[int]) -> dict[int, object]:
    """When each member was last introduced by a round."""
    last: dict[int, object] = {}
    from_rounds = Introduction.objects.filter(origin=Origin.ROUND)
    for field in ("first", "second"):
        rows = (
            from_rounds.filter(**{f"{field}__in": pks})
            .values(field)
            .annotate(last=Max("created_at"))
            .values_list(field, "last")
        )
        for pk, moment in rows:
            last[pk] = max(moment, last.get(pk, moment))
    return last


def round_people(*, now=None) -> list[matching.Person]:
    """Who takes part in a round now, as the matching sees them. A fixed number of
    queries, whatever the number of participants."""
    now = now or timezone.now()
    rows = list(
        Participation.objects.taking_part(on=timezone.localdate(now))
        .filter(sits_out_next_round=False)
        .values_list(
            "pk",
            "membership_id",
            "membership__profile__role",
            "format",
            "reach",
            "frequency",
            "left_over_last_round",
        )
    )
    pks = [row[1] for row in rows]
    municipalities = Affiliation.objects.municipality_names(pks)
    last = _last_introduced(pks)
    themes: dict[int, dict[str, list[int]]] = {}
    for name in ("knows", "seeks"):
        through = getattr(Participation, name).through
        for participation, theme in through.objects.filter(
            participation__in=[row[0] for row in rows]
        ).values_list("participation_id", "theme_id"):
            themes.setdefault(participation, {"knows": [], "seeks": []})[name].append(theme)
    index = _theme_index()
    people = []
    for pk, membership, role, fmt, reach, frequency, waited in rows:
        since = last.get(membership)
        if since is not None and now - since < timedelta(days=FREQUENCY_DAYS[frequency]):
            continue
        chosen = themes.get(pk, {"knows": [], "seeks": []})
        place = _place(municipalities.get(membership, ""))
        people.append(
            matching.Person(
                pk=membership,
                knows=matching.bits(chosen["knows"], index),
                seeks=matching.bits(chosen["seeks"], index),
                role=role or "",
                place=place,
                organisation=place,
                format=fmt,
                reach=reach,
                waited=waited,
            )
        )
    return people


def _theme_index() -> dict[int, int]:
    """Each theme id's bit in the matching's masks (matching.bits)."""
    pks = Theme.objects.order_by("pk").values_list("pk", flat=True)
    return {pk: bit for bit, pk in enumerate(pks)}


def round_run(*, now=None, seed: int | None = None) -> Round:
    """One round: match who takes part, record the introductions, tell both people of
    each (after the commit). Sitting out is used up; who was left over goes first next
    time."""
    now = now or timezone.now()
    started = time.monotonic()
    people = round_people(now=now)
    by_pk = {person.pk: person for person in people}
    excluded = _excluded_pairs(list(by_pk))
    pairs = matching.match(
        people, excluded=excluded, seed=seed if seed is not None else int(now.timestamp())
    )
    index = _theme_index()
    with transaction.atomic():
        round_ = Round.objects.create(
            started_at=now,
            participants=len(people),
            pairs=len(pairs),
            score=sum(value for _a, _b, value in pairs),
        )
        introductions = Introduction.objects.bulk_create(
            Introduction(
                round=round_,
                origin=Origin.ROUND,
                first_id=a,
                second_id=b,
                score=value,
                created_at=now,
                topics={
                    "first_helps": matching.topics(by_pk[a].knows & by_pk[b].seeks, index),
                    "second_helps": matching.topics(by_pk[b].knows & by_pk[a].seeks, index),
                    "shared": matching.topics(
                        (by_pk[a].knows & by_pk[b].knows) | (by_pk[a].seeks & by_pk[b].seeks),
                        index,
                    ),
                },
            )
            for a, b, value in pairs
        )
        matched = {pk for a, b, _value in pairs for pk in (a, b)}
        Participation.objects.filter(membership__in=matched).update(left_over_last_round=False)
        Participation.objects.filter(membership__in=set(by_pk) - matched).update(
            left_over_last_round=True
        )
        Participation.objects.filter(sits_out_next_round=True).update(sits_out_next_round=False)
        round_.seconds = time.monotonic() - started
        round_.save(update_fields=["seconds"])
        notifications.introductions_announce([introduction.pk for introduction in introductions])
    return round_


def _check_pair(first: Membership, second: Membership) -> None:
    if first.pk == second.pk:
        raise IntroductionError("self")
    if _pair(first.pk, second.pk) in _excluded_pairs([first.pk]):
        raise IntroductionError("before")


def introduction_request(*, membership: Membership, other: Membership, note: str) -> Introduction:
    """ "Stel mij voor aan ...": the asking member says yes at once; the other is asked.
    The other must take part; at most REQUESTS_PER_WEEK a week; never a pair twice."""
    with transaction.atomic():
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if not Participation.objects.taking_part().filter(membership=other).exists():
            raise IntroductionError("not_taking_part")
        if Participation.objects.filter(membership=membership, stopped_by_report=True).exists():
            raise IntroductionError("stopped")
        week = timezone.now() - timedelta(days=7)
        asked = Introduction.objects.filter(asked_by=membership, created_at__gt=week).count()
        if asked >= REQUESTS_PER_WEEK:
            raise IntroductionError("too_many")
        _check_pair(membership, other)
        first, second = sorted((membership, other), key=lambda m: m.pk)
        introduction = Introduction.objects.create(
            origin=Origin.REQUEST,
            first=first,
            second=second,
            asked_by=membership,
            note=note.strip(),
            **{f"{'first' if first == membership else 'second'}_answer": Answer.YES},
        )
        notifications.introductions_announce([introduction.pk], skip=membership.pk)
        return introduction


def introduction_by_curator(
    *, user, first: Membership, second: Membership, note: str
) -> Introduction:
    """A curator introduces two members by hand, with a personal note."""
    with transaction.atomic():
        _check_pair(first, second)
        first, second = sorted((first, second), key=lambda m: m.pk)
        curator = Membership.objects.filter(user=user).first()
        introduction = Introduction.objects.create(
            origin=Origin.CURATOR, first=first, second=second, asked_by=curator, note=note.strip()
        )
        notifications.introductions_announce([introduction.pk])
        return introduction


def introduction_after_meeting(
    *, first: Membership, second: Membership, note: str
) -> Introduction | None:
    """Two members who met at a meeting both said they want to see each other again
    (meetings.see_again): that is both their yes, so the introduction is accepted at
    once and each is told the other's address. A pair introduced before is accepted
    now (their marks are a newer answer than an old "nu liever niet"); a pair already
    accepted hears nothing new. Returns the introduction, or None if nothing changed."""
    if first.pk == second.pk:
        raise IntroductionError("self")
    first, second = sorted((first, second), key=lambda m: m.pk)
    blocked = Block.objects.filter(
        Q(blocker=first, blocked=second) | Q(blocker=second, blocked=first)
    )
    if blocked.exists():
        return None  # a block stands, whatever was marked
    with transaction.atomic():
        introduction, created = Introduction.objects.select_for_update().get_or_create(
            first=first,
            second=second,
            defaults={"origin": Origin.MEETING, "note": note.strip()[:500]},
        )
        if not created and introduction.accepted:
            return None
        introduction.first_answer = introduction.second_answer = Answer.YES
        introduction.accepted_at = timezone.now()
        introduction.save()
        notifications.introduction_accepted(introduction)
        return introduction


def introduction_answer(
    *, introduction: Introduction, membership: Membership, answer: str
) -> Introduction:
    """Yes or no, once: a second answer changes nothing. Both yes: each is told the
    other's address. A no is told to nobody (the other sees only that it does not go
    on); two no's in a row from rounds and the member sits out the next round."""
    if answer not in (Answer.YES, Answer.NO):
        raise IntroductionError("answer")
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        side = introduction.side(membership)
        if introduction.expired:
            raise IntroductionError("expired")
        if getattr(introduction, f"{side}_answer") != Answer.PENDING:
            return introduction
        setattr(introduction, f"{side}_answer", answer)
        participation = participation_for(membership)
        if participation.pk:
            if answer == Answer.NO:
                participation.declined_in_a_row += 1
                if participation.declined_in_a_row >= 2:
                    participation.sits_out_next_round = True
                    participation.declined_in_a_row = 0
            else:
                participation.declined_in_a_row = 0
            participation.save(update_fields=["declined_in_a_row", "sits_out_next_round"])
        if introduction.accepted:
            introduction.accepted_at = timezone.now()
            notifications.introduction_accepted(introduction)
        introduction.save()
        return introduction


def introduction_met(*, introduction: Introduction, membership: Membership, met: str) -> None:
    if met not in (Met.YES, Met.NO) or not introduction.accepted:
        raise IntroductionError("met")
    side = introduction.side(membership)
    Introduction.objects.filter(pk=introduction.pk).update(**{f"{side}_met": met})


def follow_ups_send(*, now=None) -> int:
    """ "Hebben jullie elkaar gesproken?", three weeks after both said yes; once."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Introduction.objects.select_for_update(skip_locked=True)
            .accepted()
            .filter(
                follow_up_sent_at__isnull=True,
                accepted_at__lte=now - timedelta(days=FOLLOW_UP_DAYS),
            )
            .values_list("pk", flat=True)
        )
        Introduction.objects.filter(pk__in=due).update(follow_up_sent_at=now)
        notifications.follow_ups(due)
    return len(due)


def member_block(*, membership: Membership, other: Membership) -> None:
    """Never introduce these two again."""
    if membership.pk != other.pk:
        Block.objects.get_or_create(blocker=membership, blocked=other)


def introductions_export(*, membership: Membership | None) -> dict:
    if membership is None:
        return {"introductions_settings": None, "introductions": [], "messages": []}
    participation = Participation.objects.filter(membership=membership).first()
    settings = None
    if participation is not None:
        settings = {
            "takes_part": participation.takes_part,
            "knows": list(participation.knows.values_list("name", flat=True)),
            "seeks": list(participation.seeks.values_list("name", flat=True)),
            "question": participation.question,
            "frequency": participation.frequency,
            "format": participation.format,
            "reach": participation.reach,
            "paused_until": participation.paused_until.isoformat()
            if participation.paused_until
            else None,
            "message_emails": participation.message_emails,
        }
    rows = []
    for introduction in Introduction.objects.of(membership).select_related("first", "second"):
        side = introduction.side(membership)
        rows.append(
            {
                "introduced_at": introduction.created_at.isoformat(),
                "origin": introduction.origin,
                "other_member_number": introduction.other(membership).number,
                "my_answer": getattr(introduction, f"{side}_answer"),
                "accepted_by_both": introduction.accepted,
                "we_met": getattr(introduction, f"{side}_met"),
            }
        )
    # The member's own messages; the other's words are theirs to download.
    written = [
        {"introduction": pk, "written_at": at.isoformat(), "text": body}
        for pk, at, body in Message.objects.filter(author=membership)
        .order_by("created_at", "pk")
        .values_list("introduction_id", "created_at", "body")
    ]
    return {"introductions_settings": settings, "introductions": rows, "messages": written}


def introductions_on_account_delete(*, membership: Membership) -> None:
    """Everything of the member's: settings, introductions (the other person's too:
    it tells them nothing) with their threads, blocks either way. Nobody is told why."""
    Participation.objects.filter(membership=membership).delete()
    Introduction.objects.of(membership).delete()
    Block.objects.filter(Q(blocker=membership) | Q(blocked=membership)).delete()
