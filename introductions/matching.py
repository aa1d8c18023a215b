"""The matching of a round: pure Python on plain values, so that it can be measured and
tested on any population without a database.

Score of a pair: what one seeks that the other knows, both ways, counts double
(complementary, not similar); what both know or both seek counts once; a pair with
neither is no pair. A resident with a civil servant (different roles: the leefwereld
meets the systeemwereld) and people from different organisations get a point more.
Reach and format must suit both.

The matching: candidate pairs are found through the topics (for each member, at most
SAMPLE of the people who know what they seek, seek what they know, or know what they
know: enough to find good pairs, without weighing all n² pairs of 10,000 people; up
to EXHAUSTIVE_UP_TO people, all of them), taken
greedily from the best score down (among equal scores, those who were left over last
round first), then improved by swapping partners between two pairs while that raises
the total. The result is never below the greedy matching of the same candidates."""

import random
from collections import defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass

#: Per topic list, how many people are weighed as partners for one member.
SAMPLE = 15
#: Up to this many people, everyone is weighed against everyone they share a topic with.
EXHAUSTIVE_UP_TO = 1000
#: Swaps tried per pair in the improvement.
SWAP_TRIES = 5

EITHER, ANYWHERE, MUNICIPALITY, PROVINCE = "either", "anywhere", "municipality", "province"


@dataclass(frozen=True)
class Person:
    pk: int
    knows: int  # topics as bits
    seeks: int
    role: str = ""
    place: str = ""  # the municipality, normalised; "" unknown
    province: str = ""
    organisation: str = ""
    format: str = EITHER
    reach: str = ANYWHERE
    waited: bool = False  # left over last round: goes first among equals


def bits(numbers: Iterable[int], index: dict[int, int]) -> int:
    """Theme ids as a bit mask, with `index` giving each id its bit (grown as needed)."""
    mask = 0
    for number in numbers:
        mask |= 1 << index.setdefault(number, len(index))
    return mask


def topics(mask: int, index: dict[int, int]) -> list[int]:
    """The theme ids of a bit mask (the inverse of `bits`)."""
    return [number for number, bit in index.items() if mask >> bit & 1]


def score(a: Person, b: Person) -> int:
    complementary = (a.seeks & b.knows).bit_count() + (b.seeks & a.knows).bit_count()
    shared = (a.knows & b.knows).bit_count() + (a.seeks & b.seeks).bit_count()
    if not complementary and not shared:
        return 0
    total = 2 * complementary + shared
    if a.role and b.role and a.role != b.role:
        total += 1
    if a.organisation and b.organisation and a.organisation != b.organisation:
        total += 1
    return total


def _reaches(a: Person, b: Person) -> bool:
    """Whether `b` is within the reach `a` chose."""
    if a.reach == MUNICIPALITY:
        return bool(a.place) and a.place == b.place
    if a.reach == PROVINCE:
        same_province = bool(a.province) and a.province == b.province
        return same_province or (bool(a.place) and a.place == b.place)
    return True


def suits(a: Person, b: Person) -> bool:
    """Format and reach suit both."""
    formats_meet = EITHER in (a.format, b.format) or a.format == b.format
    return formats_meet and _reaches(a, b) and _reaches(b, a)


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def candidate_pairs(
    people: list[Person], *, excluded: set[tuple[int, int]], rng: random.Random
) -> dict[tuple[int, int], int]:
    """The pairs worth weighing, by (lower pk, higher pk), with their score."""
    knowers, seekers = defaultdict(list), defaultdict(list)
    for person in people:
        for bit in range(max(person.knows.bit_length(), person.seeks.bit_length())):
            if person.knows >> bit & 1:
                knowers[bit].append(person)
            if person.seeks >> bit & 1:
                seekers[bit].append(person)
    pairs = {}
    sample = SAMPLE if len(people) > EXHAUSTIVE_UP_TO else len(people)
    for person in people:
        pool = []
        for bit in range(max(person.knows.bit_length(), person.seeks.bit_length())):
            if person.seeks >> bit & 1:
                pool += [knowers[bit], seekers[bit]]
            if person.knows >> bit & 1:
                pool += [seekers[bit], knowers[bit]]
        for group in pool:
            chosen = group if len(group) <= sample else rng.sample(group, sample)
            for other in chosen:
                key = _key(person.pk, other.pk)
                if other.pk == person.pk or key in pairs or key in excluded:
                    continue
                if suits(person, other) and (value := score(person, other)):
                    pairs[key] = value
    return pairs


def greedy(
    pairs: dict[tuple[int, int], int], waited: Set[int] = frozenset()
) -> list[tuple[int, int]]:
    """The best-scoring pairs first, each person once; among equal scores a pair with
    someone who waited first, then by pks (the same input, the same outcome)."""
    order = sorted(
        pairs, key=lambda key: (-pairs[key], -(key[0] in waited) - (key[1] in waited), key)
    )
    taken, chosen = set(), []
    for a, b in order:
        if a not in taken and b not in taken:
            taken |= {a, b}
            chosen.append((a, b))
    return chosen


def improve(
    chosen: list[tuple[int, int]],
    people: dict[int, Person],
    *,
    excluded: set[tuple[int, int]],
    rng: random.Random,
) -> list[tuple[int, int]]:
    """Swap partners between two pairs while that raises their total."""

    def value(a: int, b: int) -> int:
        if _key(a, b) in excluded or not suits(people[a], people[b]):
            return 0
        return score(people[a], people[b])

    chosen = list(chosen)
    if len(chosen) < 2:
        return chosen
    for _try in range(SWAP_TRIES * len(chosen)):
        i, j = rng.sample(range(len(chosen)), 2)
        (a, b), (c, d) = chosen[i], chosen[j]
        now = value(a, b) + value(c, d)
        for (p, q), (r, s) in (((a, c), (b, d)), ((a, d), (b, c))):
            first, second = value(p, q), value(r, s)
            if first and second and first + second > now:
                chosen[i], chosen[j] = _key(p, q), _key(r, s)
                break
    return chosen


def fill(chosen: list[tuple[int, int]], pairs: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """Give a left-over person the partner of a pair when that raises the total: the
    partner's old pair scored less than the new one (the old partner is left over
    then, and tried in turn)."""
    partner = {}
    for a, b in chosen:
        partner[a], partner[b] = b, a
    neighbours = defaultdict(list)
    for (a, b), value in pairs.items():
        if a not in partner or b not in partner:
            neighbours[a].append((value, b))
            neighbours[b].append((value, a))
    waiting = sorted(pk for pk in neighbours if pk not in partner)
    while waiting:
        person = waiting.pop()
        best: tuple[int, int, int | None] | None = None
        for value, other in sorted(neighbours[person], reverse=True):
            if other not in partner:
                best = (value, other, None)
                break
            old = partner[other]
            gain = value - pairs.get(_key(other, old), 0)
            if gain > 0 and (best is None or gain > best[0]):
                best = (gain, other, old)
        if best is None:
            continue
        _gain, partner_new, left = best
        if left is not None:
            del partner[left]
            waiting.append(left)
        partner[person], partner[partner_new] = partner_new, person
    return sorted({_key(a, b) for a, b in partner.items()})


def total(chosen: list[tuple[int, int]], people: dict[int, Person]) -> int:
    return sum(score(people[a], people[b]) for a, b in chosen)


def match(
    people: list[Person], *, excluded: set[tuple[int, int]], seed: int = 0
) -> list[tuple[int, int, int]]:
    """The pairs of a round: (lower pk, higher pk, score), best first."""
    rng = random.Random(seed)
    by_pk = {person.pk: person for person in people}
    pairs = candidate_pairs(people, excluded=excluded, rng=rng)
    first = greedy(pairs, {person.pk for person in people if person.waited})
    improved = improve(fill(first, pairs), by_pk, excluded=excluded, rng=rng)
    chosen = improved if total(improved, by_pk) >= total(first, by_pk) else first
    found = [(a, b, score(by_pk[a], by_pk[b])) for a, b in chosen]
    return sorted(found, key=lambda pair: (-pair[2], pair[0]))


def sample_population(size: int, seed: int, topics: int = 12) -> list[Person]:
    """Invented participants for measuring and testing the matching (`make bench`,
    tests/introductions): up to three topics known and two sought each, a role, a
    place, a format and a reach drawn at random."""
    rng = random.Random(seed)
    roles = ["resident", "government", "entrepreneur", ""]
    places = ["zwolle", "kampen", "deventer", ""]
    people = []
    for pk in range(1, size + 1):
        place = rng.choice(places)
        people.append(
            Person(
                pk=pk,
                knows=sum(1 << rng.randrange(topics) for _ in range(rng.randint(0, 3))),
                seeks=sum(1 << rng.randrange(topics) for _ in range(rng.randint(0, 2))),
                role=rng.choice(roles),
                place=place,
                organisation=place,
                format=rng.choice([EITHER, EITHER, "online", "in_person"]),
                reach=rng.choice([ANYWHERE, ANYWHERE, MUNICIPALITY]),
            )
        )
    return people
