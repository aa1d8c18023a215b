"""Every safe request (GET, HEAD) to a members page leaves the database as it found it,
for everyone who can make it: one test per family of views."""

import pytest

from members.invitations import stop_token
from members.models import CodeStatus, How
from tests.clients import signed_in
from tests.factories import (
    ClaimCodeFactory,
    InvitationFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
)
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(db):
    """A visitor, an account without a copy, a member without a profile yet (as every
    member made before profiles existed) and a member with one."""
    with_profile = ProfileFactory(display_name="Anouk").membership
    return {
        "anonymous": signed_in(),
        "account": signed_in(UserFactory()),
        "member": signed_in(MembershipFactory().user),
        "member_with_profile": signed_in(with_profile.user),
    }


def each(clients, paths):
    for client in clients.values():
        assert_safe_requests_change_nothing(client, paths)


def test_claim_pages_change_nothing(clients):
    each(clients, ["/exemplaar/", "/exemplaar/welkom/"])


def test_code_pages_change_nothing(clients):
    available = ClaimCodeFactory()
    revoked = ClaimCodeFactory(status=CodeStatus.REVOKED)
    redeemed = ClaimCodeFactory(status=CodeStatus.REDEEMED)
    owner = MembershipFactory(code=redeemed, how=How.PRINTED).user
    clients["owner"] = signed_in(owner)
    paths = ["/exemplaar/code/", "/exemplaar/code/0000-0000-0000-0000/", "/exemplaar/code/x/"]
    paths += [f"/exemplaar/code/{code.display}/" for code in (available, revoked, redeemed)]
    each(clients, paths)


def test_my_copy_and_invitation_pages_change_nothing(clients):
    inviter = MembershipFactory()
    open_invitation = InvitationFactory(created_by=inviter)
    used = InvitationFactory(created_by=inviter)
    MembershipFactory(invitation=used, invited_by=inviter, how=How.INVITATION)
    used.accepted_at = used.created_at
    used.save()
    each(
        clients,
        [
            "/mijn-exemplaar/",
            "/mijn-exemplaar/uitnodigen/",
            f"/uitnodiging/{open_invitation.token}/",
            f"/uitnodiging/{used.token}/",
            "/uitnodiging/onbekend/",
            f"/mijn-exemplaar/uitnodiging/{open_invitation.token}/kaart/",
            f"/mijn-exemplaar/uitnodiging/{used.token}/kaart/",
            f"/niet-meer-uitnodigen/{stop_token('iemand@example.net')}/",
            "/niet-meer-uitnodigen/nep/",
        ],
    )
    clients["inviter"] = signed_in(inviter.user)
    each(clients, [f"/mijn-exemplaar/uitnodiging/{open_invitation.token}/kaart/"])


def test_profile_page_changes_nothing(clients):
    each(clients, ["/mijn-exemplaar/profiel/"])


def test_card_pages_change_nothing(clients):
    profile = ProfileFactory()
    each(
        clients,
        [
            "/mijn-exemplaar/kaart/",
            "/mijn-exemplaar/kaart/nieuwe-link/",
            f"/kaart/{profile.card_token}/",
            f"/kaart/{profile.card_token}.png",
            "/kaart/onbekend/",
        ],
    )


def test_directory_changes_nothing(clients):
    ProfileFactory(visibility="full", municipality="Zwolle", role="resident")
    each(clients, ["/leden/", "/leden/?role=resident&municipality=Zwolle&pagina=2"])


def test_privacy_and_data_pages_change_nothing(clients):
    each(
        clients,
        [
            "/privacy/",
            "/mijn-gegevens/",
            "/mijn-gegevens/download/",
            "/mijn-gegevens/verwijderen/",
        ],
    )
