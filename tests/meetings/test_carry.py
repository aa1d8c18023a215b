"""Parked agenda items carried to the next meeting: when a host copies a meeting, the
parked items of the one copied are offered (all ticked), and those kept open the new
agenda with their authors and supporters, crediting the meeting they came from."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, AgendaState, Meeting
from tests.factories import (
    AgendaItemFactory,
    AgendaSupportFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.markup import hrefs, one, select, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    return MembershipFactory().user


@pytest.fixture
def previous(host):
    starts = timezone.now() - timedelta(days=7)
    meeting = MeetingFactory(
        title="Eerste tafel",
        hosts=[host.membership],
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    return meeting


def _form(**changes) -> dict:
    starts = timezone.localtime() + timedelta(days=21)
    return {
        "title": "Tweede tafel",
        "starts_at": starts.strftime("%Y-%m-%dT19:00"),
        "ends_at": starts.strftime("%Y-%m-%dT21:00"),
        "place": "Buurthuis",
        "audience": "open",
    } | changes


def _copy_url(meeting) -> str:
    return f"{reverse('meetings:create')}?kopie={meeting.slug}"


def test_the_copy_form_offers_the_parked_items_only_all_ticked(client, host, previous):
    parked = AgendaItemFactory(meeting=previous, title="Het bankje", state=AgendaState.PARKED)
    AgendaSupportFactory.create_batch(3, item=parked)
    AgendaItemFactory(meeting=previous, title="Besproken", state=AgendaState.DISCUSSED)
    client.force_login(host)

    page = client.get(_copy_url(previous))

    boxes = select(page, "input[name=carry]")
    assert [box.get("value") for box in boxes] == [str(parked.pk)]
    assert boxes[0].get("checked") is not None
    label = text(one(page, f"label[for={boxes[0].get('id')}]"))
    assert label == "Het bankje (3 willen dit ook bespreken)"


def test_carried_items_keep_author_support_and_order_and_credit_their_meeting(
    client, host, previous
):
    author, supporters = UserFactory(), UserFactory.create_batch(2)
    second = AgendaItemFactory(
        meeting=previous, title="Tweede", state=AgendaState.PARKED, position=2, author=author
    )
    first = AgendaItemFactory(
        meeting=previous, title="Eerste", body="Uitleg", state=AgendaState.PARKED, position=1
    )
    for supporter in supporters:
        AgendaSupportFactory(item=second, user=supporter)
    left = AgendaItemFactory(meeting=previous, title="Blijft", state=AgendaState.PARKED, position=3)
    client.force_login(host)

    response = client.post(_copy_url(previous), _form(carry=[first.pk, second.pk]))

    meeting = Meeting.objects.get(title="Tweede tafel")
    assert response["Location"] == meeting.get_absolute_url()
    carried = list(meeting.agenda_items.for_display())
    assert [(i.title, i.body, i.position, i.state) for i in carried] == [
        ("Eerste", "Uitleg", 1, AgendaState.OPEN),
        ("Tweede", "", 2, AgendaState.OPEN),
    ]
    assert carried[1].author == author
    assert carried[1].support_count == 2
    assert carried[1].carried_from == second
    assert not AgendaItem.objects.filter(meeting=meeting, title=left.title).exists()
    assert AgendaItem.objects.filter(meeting=previous).count() == 3  # the originals stay
    page = client.get(meeting.get_absolute_url())
    assert previous.get_absolute_url() in hrefs(page, ".meeting-agenda__carried a")


def test_an_item_that_is_not_parked_cannot_be_carried_and_nothing_is_saved(client, host, previous):
    discussed = AgendaItemFactory(meeting=previous, state=AgendaState.DISCUSSED)
    AgendaItemFactory(meeting=previous, state=AgendaState.PARKED)
    elsewhere = AgendaItemFactory(state=AgendaState.PARKED)
    client.force_login(host)

    for carry in ([discussed.pk], [elsewhere.pk], ["9" * 5000], ["x"]):
        response = client.post(_copy_url(previous), _form(carry=carry))
        assert response.status_code == 200
        assert "Kies uit de geparkeerde punten." in text(one(response, "form.meeting-form__form"))

    assert not Meeting.objects.filter(title="Tweede tafel").exists()


def test_a_copy_without_ticks_carries_nothing(client, host, previous):
    AgendaItemFactory(meeting=previous, state=AgendaState.PARKED)
    client.force_login(host)

    client.post(_copy_url(previous), _form())

    assert not Meeting.objects.get(title="Tweede tafel").agenda_items.exists()
