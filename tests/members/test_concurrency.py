"""Claims that race each other, in real threads with their own database connections."""

import threading

import pytest
from django.db import connections

from members.models import ClaimCode, CodeStatus, How, Membership
from members.services import (
    CodeAlreadyClaimed,
    claim_code_redeem,
    invitation_accept,
    membership_claim_digital,
)
from tests.factories import ClaimCodeFactory, InvitationFactory, UserFactory

THREADS = 24


def race(target, arguments):
    """Start `target(argument)` in one thread per argument, all at once; return what each
    returned or raised, in the order of `arguments`."""
    barrier = threading.Barrier(len(arguments))
    outcomes = [None] * len(arguments)

    def run(index, argument):
        try:
            barrier.wait()
            outcomes[index] = target(argument)
        except Exception as error:  # noqa: BLE001 - the test inspects what was raised
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, argument))
        for index, argument in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_digital_claims_get_unique_consecutive_numbers():
    users = UserFactory.create_batch(THREADS)

    outcomes = race(lambda user: membership_claim_digital(user=user), users)

    assert all(isinstance(outcome, Membership) for outcome in outcomes), outcomes
    numbers = sorted(Membership.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_of_one_code_have_one_winner():
    claim_code = ClaimCodeFactory()
    users = UserFactory.create_batch(THREADS)

    outcomes = race(lambda user: claim_code_redeem(code=claim_code.code, user=user), users)

    winners = [outcome for outcome in outcomes if isinstance(outcome, Membership)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, CodeAlreadyClaimed)]
    assert len(winners) == 1, outcomes
    assert len(losers) == THREADS - 1, outcomes
    assert all(str(loser) == "Dit exemplaar is al geclaimd." for loser in losers)
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.REDEEMED
    assert claim_code.redeemed_by == winners[0]
    assert Membership.objects.get().how == How.PRINTED
    assert ClaimCode.objects.filter(status=CodeStatus.AVAILABLE).count() == 0


@pytest.mark.django_db(transaction=True)
def test_hundred_attempts_at_one_code_have_one_winner():
    """100 people try the same printed code at once: 25 threads (PostgreSQL allows 100
    connections in all), each making four attempts back to back."""
    claim_code = ClaimCodeFactory()
    users = UserFactory.create_batch(100)
    groups = [users[start : start + 4] for start in range(0, 100, 4)]

    def attempts(group):
        results = []
        for user in group:
            try:
                results.append(claim_code_redeem(code=claim_code.display, user=user))
            except CodeAlreadyClaimed as error:
                results.append(error)
        return results

    outcomes = [result for group in race(attempts, groups) for result in group]
    assert len(outcomes) == 100
    assert sum(isinstance(outcome, Membership) for outcome in outcomes) == 1, outcomes
    assert sum(isinstance(outcome, CodeAlreadyClaimed) for outcome in outcomes) == 99
    assert Membership.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_of_one_invitation_have_one_winner():
    invitation = InvitationFactory()
    users = UserFactory.create_batch(THREADS)

    outcomes = race(lambda user: invitation_accept(token=invitation.token, user=user), users)

    winners = [outcome for outcome in outcomes if isinstance(outcome, Membership)]
    assert len(winners) == 1, outcomes
    assert Membership.objects.filter(how=How.INVITATION).count() == 1
