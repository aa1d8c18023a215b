"""The matching of a round, on generated populations: its score rules, the constraints,
and a total never below the greedy matching of every suitable pair."""

import random

import pytest

from introductions.matching import (
    Person,
    candidate_pairs,
    greedy,
    match,
    sample_population,
    score,
    suits,
    total,
)

A, B, C, D = 1, 2, 4, 8  # topics as bits


def person(pk, knows=0, seeks=0, **kwargs):
    return Person(pk=pk, knows=knows, seeks=seeks, **kwargs)


def test_what_one_seeks_and_the_other_knows_counts_double():
    assert score(person(1, seeks=A), person(2, knows=A)) == 2
    assert score(person(1, seeks=A, knows=B), person(2, knows=A, seeks=B)) == 4


def test_shared_topics_count_once_and_nothing_in_common_is_no_pair():
    assert score(person(1, knows=A), person(2, knows=A)) == 1
    assert score(person(1, seeks=C), person(2, seeks=C)) == 1
    assert score(person(1, knows=A, role="resident"), person(2, knows=B, role="government")) == 0


def test_different_roles_and_organisations_get_a_point_more():
    same = score(person(1, seeks=A, role="resident"), person(2, knows=A, role="resident"))
    mixed = score(person(1, seeks=A, role="resident"), person(2, knows=A, role="government"))
    assert (same, mixed) == (2, 3)
    apart = score(
        person(1, seeks=A, organisation="zwolle"), person(2, knows=A, organisation="deventer")
    )
    assert apart == 3


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ({"format": "online"}, {"format": "in_person"}, False),
        ({"format": "online"}, {"format": "either"}, True),
        ({"reach": "municipality", "place": "zwolle"}, {"place": "kampen"}, False),
        ({"reach": "municipality", "place": "zwolle"}, {"place": "zwolle"}, True),
        ({"reach": "municipality"}, {}, False),  # no municipality known: nobody is near
        ({"reach": "province", "province": "Overijssel"}, {"province": "Overijssel"}, True),
        ({"reach": "province", "province": "Overijssel"}, {"province": "Drenthe"}, False),
        ({}, {"reach": "municipality", "place": "zwolle"}, False),  # both sides count
    ],
)
def test_format_and_reach_must_suit_both(first, second, expected):
    assert suits(person(1, **first), person(2, **second)) is expected


def population(size: int, seed: int) -> list[Person]:
    return sample_population(size, seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_round_is_at_least_as_good_as_greedy_and_keeps_every_rule(seed):
    people = population(300, seed)
    by_pk = {p.pk: p for p in people}
    excluded = {(1, 2), (3, 4), (5, 6)}
    every_pair = {
        (a.pk, b.pk): score(a, b)
        for a in people
        for b in people
        if a.pk < b.pk and (a.pk, b.pk) not in excluded and suits(a, b) and score(a, b)
    }
    baseline = total(greedy(every_pair), by_pk)

    pairs = match(people, excluded=excluded, seed=seed)

    assert sum(value for _a, _b, value in pairs) >= baseline > 0
    seen = [pk for a, b, _value in pairs for pk in (a, b)]
    assert len(seen) == len(set(seen))
    for a, b, value in pairs:
        assert a < b and (a, b) not in excluded
        assert suits(by_pk[a], by_pk[b]) and value == score(by_pk[a], by_pk[b]) > 0


def test_who_was_left_over_goes_first_among_equals():
    seeker = person(1, seeks=A)
    waited, fresh = person(2, knows=A, waited=True), person(3, knows=A)
    for order in ([seeker, fresh, waited], [seeker, waited, fresh]):
        assert match(order, excluded=set()) == [(1, 2, 2)]


def test_the_same_seed_gives_the_same_round():
    people = population(200, 7)
    assert match(people, excluded=set(), seed=5) == match(people, excluded=set(), seed=5)


def test_candidates_stay_bounded_in_a_large_population():
    people = population(3000, 11)
    pairs = candidate_pairs(people, excluded=set(), rng=random.Random(0))
    # Each person weighs a bounded sample per topic, not everyone: far below n²/2.
    assert len(pairs) < 3000 * 40 * 6
