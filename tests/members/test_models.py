import pytest

from book.models import user_is_member
from members.codes import (
    ALPHABET,
    LENGTH,
    MalformedCode,
    format_code,
    generate_code,
    normalise_code,
)
from members.models import CodeBatch, CodeStatus, Invitation, Membership
from tests.factories import (
    ClaimCodeFactory,
    CodeBatchFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)


def test_generated_codes_have_eighty_random_bits():
    codes = {generate_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert len(ALPHABET) == 32 and LENGTH * 5 >= 60


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ4-M2XD-9TRA-5B1C",
        "7kq4m2xd9tra5b1c",
        " 7KQ4 M2XD 9TRA 5B1C ",
        "7KQ4--M2XD-9TRA-5BIC",
        "7KQ4-M2XD-9TRA-5BlC",
    ],
)
def test_typed_codes_are_normalised(typed):
    assert normalise_code(typed) == "7KQ4M2XD9TRA5B1C"


def test_letter_o_is_read_as_zero():
    assert normalise_code("OOOO-oooo-0000-0000") == "0" * 16


@pytest.mark.parametrize(
    "typed", ["", "7KQ4-M2XD-9TRA", "7KQ4-M2XD-9TRA-5B1C-0", "UKQ4-M2XD-9TRA-5B1C", "7KQ4!M2XD"]
)
def test_malformed_codes_are_refused(typed):
    with pytest.raises(MalformedCode):
        normalise_code(typed)


def test_format_code_groups_in_fours():
    assert format_code("7KQ4M2XD9TRA5B1C") == "7KQ4-M2XD-9TRA-5B1C"


@pytest.mark.django_db
def test_batches_count_their_codes_per_status(django_assert_num_queries):
    batch = CodeBatchFactory()
    ClaimCodeFactory.create_batch(3, batch=batch)
    ClaimCodeFactory(batch=batch, status=CodeStatus.REDEEMED)
    ClaimCodeFactory.create_batch(2, batch=batch, status=CodeStatus.REVOKED)
    CodeBatchFactory()

    with django_assert_num_queries(1):
        counted = {b.pk: b for b in CodeBatch.objects.with_counts()}

    mine = counted[batch.pk]
    assert (mine.available_count, mine.redeemed_count, mine.revoked_count) == (3, 1, 2)


@pytest.mark.django_db
def test_membership_for_user(member, user, client):
    assert Membership.objects.for_user(member) == member.membership
    assert Membership.objects.for_user(user) is None


def test_anonymous_user_has_no_membership():
    from django.contrib.auth.models import AnonymousUser

    assert Membership.objects.for_user(AnonymousUser()) is None
    assert not user_is_member(AnonymousUser())


@pytest.mark.django_db
def test_staff_and_members_are_members_for_reading(member, staff, user):
    assert user_is_member(member) and user_is_member(staff)
    assert not user_is_member(user)


@pytest.mark.django_db
def test_open_invitations_exclude_accepted_ones():
    open_one = InvitationFactory()
    accepted = InvitationFactory()
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at="2026-01-01T00:00:00Z")
    assert list(Invitation.objects.open()) == [open_one]


@pytest.mark.django_db
def test_membership_str_names_the_number():
    assert str(MembershipFactory(number=12)) == "Lid nr. 12"


@pytest.mark.django_db
def test_membership_number_is_unique():
    from django.db import IntegrityError

    MembershipFactory(number=3)
    with pytest.raises(IntegrityError):
        MembershipFactory(number=3, user=UserFactory())
