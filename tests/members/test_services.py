import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from members.codes import format_code
from members.models import ClaimCode, CodeStatus, How, Membership, MembershipCounter
from members.services import (
    AlreadyMember,
    AlreadyMemberCodeKept,
    CodeAlreadyClaimed,
    CodeMalformed,
    CodeRevoked,
    CodeUnknown,
    CodeYours,
    InvitationUnknown,
    InvitationUsed,
    NumberTaken,
    claim_code_get,
    claim_code_redeem,
    claim_codes_revoke,
    code_batch_create,
    code_batch_revoke,
    invitation_accept,
    invitation_create,
    membership_assign,
    membership_claim_digital,
)
from tests.factories import (
    ClaimCodeFactory,
    CodeBatchFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_digital_claims_are_numbered_in_order(user):
    first = membership_claim_digital(user=user)
    second = membership_claim_digital(user=UserFactory())
    assert (first.number, second.number) == (1, 2)
    assert first.how == How.DIGITAL and first.user == user
    assert MembershipCounter.objects.get().last_number == 2


def test_second_digital_claim_by_a_member_is_refused(user):
    membership = membership_claim_digital(user=user)
    with pytest.raises(AlreadyMember) as refusal:
        membership_claim_digital(user=user)
    assert refusal.value.membership == membership
    assert str(refusal.value) == "Je bent al lid, met nummer 1."
    assert Membership.objects.count() == 1


def test_number_of_a_deleted_account_is_never_given_again(user):
    membership_claim_digital(user=user)
    user.delete()
    kept = Membership.objects.get()
    assert kept.number == 1 and kept.user is None
    assert membership_claim_digital(user=UserFactory()).number == 2


def test_counter_remembers_numbers_whose_rows_are_gone():
    """Even if a membership row disappears (say, by hand in the database)."""
    membership_claim_digital(user=UserFactory())
    Membership.objects.all().delete()
    assert membership_claim_digital(user=UserFactory()).number == 2


def test_next_number_follows_a_pre_assigned_number_above_the_counter():
    MembershipFactory(number=7)
    assert membership_claim_digital(user=UserFactory()).number == 8


def test_claims_recreate_a_missing_counter_row():
    MembershipCounter.objects.all().delete()
    assert membership_claim_digital(user=UserFactory()).number == 1
    assert MembershipCounter.objects.get().last_number == 1


def test_admin_assigns_number_one_to_the_author(user):
    author = membership_assign(user=user, number=1)
    assert author.number == 1
    assert membership_claim_digital(user=UserFactory()).number == 2


def test_assigning_a_taken_number_is_refused():
    MembershipFactory(number=1)
    with pytest.raises(NumberTaken) as refusal:
        membership_assign(user=UserFactory(), number=1)
    assert str(refusal.value) == "Dit lidnummer is al vergeven."


def test_assigning_a_skipped_lower_number_leaves_the_counter_alone():
    membership_assign(user=UserFactory(), number=5)
    membership_assign(user=UserFactory(), number=2)
    assert MembershipCounter.objects.get().last_number == 5
    assert membership_claim_digital(user=UserFactory()).number == 6


def test_assigning_to_a_member_is_refused(member):
    with pytest.raises(AlreadyMember):
        membership_assign(user=member, number=99)


def test_assign_without_number_takes_the_next_one(user):
    assert membership_assign(user=user, how=How.PRINTED).number == 1


def test_redeeming_a_code_makes_a_printed_member(user):
    claim_code = ClaimCodeFactory()
    membership = claim_code_redeem(code=claim_code.display.lower(), user=user)
    claim_code.refresh_from_db()
    assert membership.how == How.PRINTED and membership.code == claim_code
    assert claim_code.status == CodeStatus.REDEEMED
    assert claim_code.redeemed_at is not None
    assert claim_code.redeemed_by == membership


def test_second_claim_of_code_is_refused(user):
    claim_code = ClaimCodeFactory()
    claim_code_redeem(code=claim_code.code, user=user)
    with pytest.raises(CodeAlreadyClaimed) as refusal:
        claim_code_redeem(code=claim_code.code, user=UserFactory())
    assert str(refusal.value) == "Dit exemplaar is al geclaimd."


def test_the_member_who_redeemed_a_code_hears_it_is_theirs(user):
    claim_code = ClaimCodeFactory()
    membership = claim_code_redeem(code=claim_code.code, user=user)
    with pytest.raises(CodeYours) as refusal:
        claim_code_redeem(code=claim_code.display, user=user)
    assert refusal.value.membership == membership
    assert str(refusal.value) == (
        f"Dit is jouw exemplaar: je bent lid met nummer {membership.number}."
    )
    with pytest.raises(CodeYours):
        claim_code_get(code=claim_code.code, user=user)
    with pytest.raises(CodeAlreadyClaimed):
        claim_code_get(code=claim_code.code, user=AnonymousUser())


def test_a_code_whose_member_left_is_claimed_for_everyone(user):
    """The membership stays behind without a user: nobody, anonymous visitors included,
    is taken for its owner."""
    claim_code = ClaimCodeFactory()
    membership = claim_code_redeem(code=claim_code.code, user=user)
    Membership.objects.filter(pk=membership.pk).update(user=None)
    for someone in [AnonymousUser(), UserFactory()]:
        with pytest.raises(CodeAlreadyClaimed):
            claim_code_get(code=claim_code.code, user=someone)


@pytest.mark.parametrize(
    ("code", "error", "message"),
    [
        (
            "1234",
            CodeMalformed,
            "Dat is geen geldige code. Een code heeft 16 tekens, zoals 7KQ4-M2XD-9TRA-5B1C.",
        ),
        (
            "UUUU-UUUU-UUUU-UUUU",
            CodeMalformed,
            "Dat is geen geldige code. Een code heeft 16 tekens, zoals 7KQ4-M2XD-9TRA-5B1C.",
        ),
        (
            "0000-0000-0000-0000",
            CodeUnknown,
            "Deze code kennen we niet. Controleer of je hem goed hebt overgenomen.",
        ),
    ],
)
def test_bad_codes_are_refused_with_a_reason(user, code, error, message):
    with pytest.raises(error) as refusal:
        claim_code_redeem(code=code, user=user)
    assert str(refusal.value) == message
    assert not Membership.objects.exists()


def test_revoked_code_is_refused(user):
    claim_code = ClaimCodeFactory(status=CodeStatus.REVOKED)
    with pytest.raises(CodeRevoked) as refusal:
        claim_code_redeem(code=claim_code.code, user=user)
    assert str(refusal.value) == "Deze code is ingetrokken en geeft geen lidmaatschap meer."


def test_member_entering_a_valid_code_keeps_it_unused(member):
    claim_code = ClaimCodeFactory()
    with pytest.raises(AlreadyMemberCodeKept) as refusal:
        claim_code_redeem(code=claim_code.code, user=member)
    number = member.membership.number
    assert str(refusal.value) == (
        f"Je bent al lid, met nummer {number}. Deze code blijft ongebruikt: "
        "geef het boek door aan iemand die nog geen lid is."
    )
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_member_entering_an_unknown_code_hears_it_is_unknown(member):
    with pytest.raises(CodeUnknown):
        claim_code_redeem(code="0000-0000-0000-0000", user=member)


def test_batch_creation_makes_distinct_well_formed_codes(staff):
    batch = code_batch_create(label="Eerste druk", size=50, notes="Drukkerij", created_by=staff)
    codes = list(batch.codes.values_list("code", flat=True))
    assert len(set(codes)) == 50 == batch.size
    assert all(len(code) == 16 and "U" not in code for code in codes)
    assert batch.created_by == staff
    assert set(batch.codes.values_list("status", flat=True)) == {CodeStatus.AVAILABLE}


@pytest.mark.parametrize("size", [0, 10_001])
def test_batch_size_out_of_range_is_refused(size):
    with pytest.raises(ValueError):
        code_batch_create(label="Te veel", size=size)


def test_revoking_leaves_redeemed_codes_alone(user):
    batch = CodeBatchFactory()
    redeemed = ClaimCodeFactory(batch=batch)
    claim_code_redeem(code=redeemed.code, user=user)
    ClaimCodeFactory.create_batch(3, batch=batch)

    assert code_batch_revoke(batch=batch) == 3

    redeemed.refresh_from_db()
    assert redeemed.status == CodeStatus.REDEEMED
    assert batch.codes.filter(status=CodeStatus.REVOKED).count() == 3


def test_revoking_selected_codes_counts_only_available_ones():
    codes = ClaimCodeFactory.create_batch(2)
    ClaimCodeFactory(status=CodeStatus.REVOKED)
    assert claim_codes_revoke(codes=ClaimCode.objects.all()) == 2
    assert {c.status for c in ClaimCode.objects.filter(pk__in=[c.pk for c in codes])} == {
        CodeStatus.REVOKED
    }


def test_invitation_makes_an_invited_member(member, user):
    inviter = member.membership
    invitation = invitation_create(membership=inviter, name="  Fatima  ")
    assert invitation.name == "Fatima" and len(invitation.token) >= 32

    membership = invitation_accept(token=invitation.token, user=user)

    invitation.refresh_from_db()
    assert membership.how == How.INVITATION
    assert membership.invited_by == inviter
    assert membership.invitation == invitation
    assert invitation.accepted_by == membership
    assert invitation.accepted_at <= timezone.now()


def test_invitation_works_once(user):
    invitation = InvitationFactory()
    invitation_accept(token=invitation.token, user=user)
    with pytest.raises(InvitationUsed) as refusal:
        invitation_accept(token=invitation.token, user=UserFactory())
    assert str(refusal.value) == "Deze uitnodiging is al gebruikt. Een uitnodiging werkt één keer."


def test_unknown_invitation_is_refused(user):
    with pytest.raises(InvitationUnknown) as refusal:
        invitation_accept(token="bestaat-niet", user=user)
    assert str(refusal.value) == "Deze uitnodiging kennen we niet. Vraag om een nieuwe link."


def test_member_cannot_accept_an_invitation_and_it_stays_open(member):
    invitation = InvitationFactory()
    with pytest.raises(AlreadyMember):
        invitation_accept(token=invitation.token, user=member)
    invitation.refresh_from_db()
    assert invitation.is_open


def test_display_groups_the_code_in_fours():
    claim_code = ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C")
    assert claim_code.display == "7KQ4-M2XD-9TRA-5B1C" == format_code(claim_code.code)
