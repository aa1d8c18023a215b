""" "Wie wil je terugzien?": after a meeting, people who were there mark whom they would
like to see again; only a mutual mark is ever told (on the meeting's page, and by the
introductions app's e-mail with each other's address), never a one-sided one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from introductions.models import Answer, Block, Introduction, Origin
from meetings.models import RegistrationStatus, SeeAgain
from tests.factories import (
    IntroductionFactory,
    MeetingFactory,
    MembershipFactory,
    ProfileFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.markup import one, select, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def past():
    starts = timezone.now() - timedelta(hours=3)
    return MeetingFactory(
        title="Tafel in Deventer", starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def _there(meeting, name: str, status=RegistrationStatus.GOING):
    profile = ProfileFactory(display_name=name)
    RegistrationFactory(meeting=meeting, user=profile.membership.user, status=status)
    return profile.membership.user


def _mark(client, meeting, other, wanted="ja"):
    return client.post(
        reverse("meeting_see_again", kwargs={"slug": meeting.slug}),
        {"other": other.pk, "wanted": wanted},
    )


def test_a_one_sided_mark_is_told_to_nobody(client, past, commit):
    anna, bram = _there(past, "Anna"), _there(past, "Bram")
    client.force_login(anna)

    with commit(execute=True):
        response = _mark(client, past, bram)

    assert response["Location"] == f"{past.get_absolute_url()}#terugzien"
    assert SeeAgain.objects.filter(user=anna, other=bram).exists()
    assert mail.outbox == []
    assert not Introduction.objects.exists()
    client.force_login(bram)
    page = client.get(past.get_absolute_url())
    assert not select(page, ".meeting-see-again__mutual")
    bram_button = one(page, ".meeting-see-again__people button")
    assert bram_button.get("aria-pressed") == "false"  # Bram sees Anna, unmarked


def test_a_mutual_mark_tells_both_on_the_page_and_by_the_introductions_mail(client, past, commit):
    anna, bram = _there(past, "Anna"), _there(past, "Bram")
    client.force_login(anna)
    _mark(client, past, bram)
    client.force_login(bram)

    with commit(execute=True):
        _mark(client, past, anna)

    introduction = Introduction.objects.get()
    assert introduction.origin == Origin.MEETING
    assert (introduction.first_answer, introduction.second_answer) == (Answer.YES, Answer.YES)
    assert "Tafel in Deventer" in introduction.note
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert sorted(by_address) == sorted([anna.email, bram.email])
    assert bram.email in by_address[anna.email]
    assert anna.email in by_address[bram.email]
    for user, other_name in ((anna, "Bram"), (bram, "Anna")):
        client.force_login(user)
        page = client.get(past.get_absolute_url())
        assert text(one(page, ".meeting-see-again__mutual")).endswith(other_name)


def test_a_pair_introduced_before_is_accepted_now_and_an_accepted_one_is_not_mailed_again(
    past, client, commit
):
    anna, bram = _there(past, "Anna"), _there(past, "Bram")
    first, second = sorted((anna.membership, bram.membership), key=lambda m: m.pk)
    old = IntroductionFactory(first=first, second=second, first_answer=Answer.NO)
    client.force_login(anna)
    _mark(client, past, bram)
    client.force_login(bram)

    with commit(execute=True):
        _mark(client, past, anna)
    old.refresh_from_db()
    assert old.accepted
    assert len(mail.outbox) == 2

    mail.outbox.clear()
    _mark(client, past, anna, wanted="nee")
    with commit(execute=True):
        _mark(client, past, anna)
    assert mail.outbox == []


def test_a_block_stands_after_a_mutual_mark(past, client, commit):
    anna, bram = _there(past, "Anna"), _there(past, "Bram")
    Block.objects.create(blocker=anna.membership, blocked=bram.membership)
    client.force_login(anna)
    _mark(client, past, bram)
    client.force_login(bram)

    with commit(execute=True):
        _mark(client, past, anna)

    assert not Introduction.objects.exists()
    assert mail.outbox == []


def test_someone_without_a_copy_is_told_on_the_page_only(past, client, commit):
    anna = _there(past, "Anna")
    guest = UserFactory()
    RegistrationFactory(meeting=past, user=guest)
    client.force_login(guest)
    _mark(client, past, anna)
    client.force_login(anna)

    with commit(execute=True):
        response = _mark(client, past, guest)

    assert response.status_code == 302
    assert SeeAgain.objects.mutual().count() == 2
    assert not Introduction.objects.exists()
    assert mail.outbox == []


def test_only_who_was_there_marks_only_who_was_there_and_only_while_the_nazit_is_open(client, past):
    anna = _there(past, "Anna")
    waiting = _there(past, "Wachter", status=RegistrationStatus.WAITING)
    stranger = MembershipFactory().user

    client.force_login(stranger)
    assert _mark(client, past, anna).status_code == 403
    client.force_login(anna)
    _mark(client, past, waiting)
    _mark(client, past, anna)
    _mark(client, past, stranger)
    assert not SeeAgain.objects.exists()

    upcoming = MeetingFactory()
    RegistrationFactory(meeting=upcoming, user=anna)
    other = _there(upcoming, "Later")
    response = _mark(client, upcoming, other)
    assert response.status_code == 302
    assert not SeeAgain.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"other": "x", "wanted": "ja"},
        {"other": "9" * 5000, "wanted": "ja"},
        {"other": "1", "wanted": "misschien"},
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, past, data):
    anna = _there(past, "Anna")
    client.force_login(anna)

    response = client.post(reverse("meeting_see_again", kwargs={"slug": past.slug}), data)

    assert response.status_code == 302
    assert not SeeAgain.objects.exists()
