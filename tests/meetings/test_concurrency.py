"""Registrations that race each other for the last places, in real threads with their
own database connections (as the claim races in tests/members/test_concurrency.py)."""

import pytest

from meetings.models import Registration, RegistrationStatus
from meetings.services import registration_cancel, registration_register
from tests.factories import MeetingFactory, UserFactory
from tests.members.test_concurrency import race

PEOPLE = 50
PLACES = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_people_for_ten_places_give_ten_going_and_forty_waiting():
    meeting = MeetingFactory(capacity=PLACES)
    users = UserFactory.create_batch(PEOPLE)

    outcomes = race(lambda user: registration_register(meeting=meeting, user=user), users)

    assert all(isinstance(outcome, Registration) for outcome in outcomes), outcomes
    statuses = list(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.GOING) == PLACES
    assert statuses.count(RegistrationStatus.WAITING) == PEOPLE - PLACES


@pytest.mark.django_db(transaction=True)
def test_cancellations_at_once_promote_exactly_as_many_waiting():
    meeting = MeetingFactory(capacity=5)
    users = UserFactory.create_batch(15)
    for user in users:
        registration_register(meeting=meeting, user=user)

    race(lambda user: registration_cancel(meeting=meeting, user=user), users[:5])

    going = Registration.objects.filter(meeting=meeting, status=RegistrationStatus.GOING)
    assert sorted(going.values_list("user", flat=True)) == sorted(u.pk for u in users[5:10])
