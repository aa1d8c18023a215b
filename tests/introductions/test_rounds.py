"""A round of introductions through the database: who takes part, the e-mails, the
rules between rounds, and a query count that does not grow with the participants."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from introductions.models import Answer, Introduction, Participation, Round
from introductions.services import introduction_answer, round_people, round_run
from organisations.models import Organisation
from stories.models import Story
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    ParticipationFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


def test_a_round_introduces_a_seeker_to_who_knows_and_mails_both(pair, commit):
    resident, official = pair
    with commit():
        round_ = round_run(seed=1)
    introduction = Introduction.objects.get()
    assert (introduction.first, introduction.second) == (resident, official)
    assert (round_.participants, round_.pairs, introduction.score) == (2, 1, 3)
    assert introduction.topics["first_helps"] == [resident.participation.knows.get().pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [resident.user.email, official.user.email]
    )
    to_official = next(m for m in mail.outbox if m.to == [official.user.email])
    assert "Anouk" in to_official.subject
    assert "Anouk weet iets van Groen; jij zoekt dat." in to_official.body
    assert re.search(r"/kennismakingen/antwoord/[^/\s]+/", to_official.body)
    assert to_official.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # No address travels before both said yes.
    assert resident.user.email not in to_official.body


def test_nobody_is_introduced_twice_to_the_same_person(pair):
    round_run(seed=1)
    later = timezone.now() + timedelta(days=200)
    assert round_run(now=later, seed=1).pairs == 0
    assert Introduction.objects.count() == 1


def test_the_chosen_frequency_is_kept_between_rounds(pair, themes):
    resident, _official = pair
    round_run(seed=1)
    newcomer = ParticipationFactory(seeks=[themes[0]])
    soon = timezone.now() + timedelta(days=10)
    assert resident.pk not in {p.pk for p in round_people(now=soon)}
    assert newcomer.membership.pk in {p.pk for p in round_people(now=soon)}
    quarter = timezone.now() + timedelta(days=81)
    assert resident.pk in {p.pk for p in round_people(now=quarter)}


def test_paused_switched_off_and_former_members_sit_out(pair, themes):
    resident, official = pair
    Participation.objects.filter(membership=resident).update(
        paused_until=timezone.localdate() + timedelta(days=3)
    )
    assert round_people() == [p for p in round_people() if p.pk == official.pk]
    Participation.objects.filter(membership=resident).update(paused_until=None, takes_part=False)
    assert [p.pk for p in round_people()] == [official.pk]
    gone = ParticipationFactory(knows=[themes[0]], membership=MembershipFactory(user=None))
    assert gone.membership.pk not in {p.pk for p in round_people()}


def test_who_is_left_over_is_marked_to_go_first_next_time(pair, themes):
    third = ParticipationFactory(knows=[themes[0]])
    round_run(seed=1)
    flags = dict(Participation.objects.values_list("membership", "left_over_last_round"))
    assert sum(flags.values()) == 1
    assert Introduction.objects.count() == 1
    assert third.membership.pk in flags


def test_two_noes_in_a_row_sit_out_one_round(themes):
    green = themes[0]
    chooser = ParticipationFactory(seeks=[green]).membership
    for _ in range(2):
        other = ParticipationFactory(knows=[green]).membership
        first, second = sorted((chooser, other), key=lambda m: m.pk)
        introduction = Introduction.objects.create(origin="curator", first=first, second=second)
        introduction_answer(introduction=introduction, membership=chooser, answer=Answer.NO)
    ParticipationFactory(knows=[green])
    assert chooser.pk not in {p.pk for p in round_people()}
    round_run(seed=1)
    assert chooser.pk in {p.pk for p in round_people(now=timezone.now() + timedelta(days=1))}


def test_the_command_runs_a_round_and_says_what_it_did(pair, capsys):
    call_command("match_introductions", "--seed", "3")
    out = capsys.readouterr().out
    assert "2 taking part, 1 introductions" in out
    assert Round.objects.get().pairs == 1


@pytest.mark.parametrize("size", [4, 40])
def test_reading_a_round_takes_the_same_queries_whatever_its_size(
    themes, size, django_assert_num_queries
):
    for n in range(size):
        ParticipationFactory(knows=[themes[n % 3]], seeks=[themes[(n + 1) % 3]])
    with django_assert_num_queries(7):  # the municipalities chosen: one query
        people = round_people()
    assert len(people) == size


def test_a_participants_place_is_the_municipality_they_chose(themes, municipalities):
    """Not the profile's old free text: the first municipality on "Mijn organisaties"."""
    chosen = ParticipationFactory(knows=[themes[0]])
    ProfileFactory(membership=chosen.membership, municipality="Kampen")
    AffiliationFactory(
        membership=chosen.membership, organisation=Organisation.objects.get(cbs_code="GM0193")
    )
    none = ParticipationFactory(knows=[themes[0]])
    places = {p.pk: p.place for p in round_people()}
    assert places == {chosen.membership.pk: "zwolle", none.membership.pk: ""}


def test_the_demo_has_participants_a_round_and_a_pair_that_said_yes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    assert Participation.objects.filter(takes_part=True).count() == 6
    assert Round.objects.count() == 1
    assert Introduction.objects.accepted().count() == 1
    accepted = Introduction.objects.accepted().get()
    assert accepted.messages.count() == 2
    written = Story.objects.filter(coauthors__isnull=False).get()
    assert {written.author_id, *written.coauthors.values_list("pk", flat=True)} == {
        accepted.first_id,
        accepted.second_id,
    }
    assert mail.outbox == []
