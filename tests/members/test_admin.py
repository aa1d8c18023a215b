import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from members.models import ClaimCode, CodeBatch, CodeStatus, How, Membership
from tests.factories import (
    ClaimCodeFactory,
    CodeBatchFactory,
    InvitationFactory,
    MembershipFactory,
    ProfileFactory,
    StoryFactory,
    UserFactory,
)
from tests.markup import hrefs, select

pytestmark = pytest.mark.django_db


def labels_url(batch):
    return reverse("admin:members_codebatch_labels", args=[batch.pk])


def csv_url(batch):
    return reverse("admin:members_codebatch_csv", args=[batch.pk])


def test_membership_list_shows_number_email_and_inviter(
    admin_client, django_assert_max_num_queries
):
    inviter = MembershipFactory(number=1, user=UserFactory(email="schrijvers@example.org"))
    MembershipFactory.create_batch(5, invited_by=inviter, how=How.INVITATION)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:members_membership_changelist"))
    html = response.content.decode()
    assert "schrijvers@example.org" in html and "Lid nr. 1" in html


def test_membership_search_by_email(admin_client):
    MembershipFactory(user=UserFactory(email="zoek.mij@example.org"))
    MembershipFactory(user=UserFactory(email="niet@example.org"))
    response = admin_client.get(reverse("admin:members_membership_changelist"), {"q": "zoek.mij"})
    assert [m.user.email for m in response.context["cl"].result_list] == ["zoek.mij@example.org"]


def test_admin_pre_assigns_number_one_to_the_author(admin_client):
    author = UserFactory(email="schrijvers@example.org")
    response = admin_client.post(
        reverse("admin:members_membership_add"),
        {"email": "Schrijvers@example.org", "number": "1", "how": How.PRINTED},
    )
    membership = Membership.objects.get(user=author)
    assert membership.number == 1 and membership.how == How.PRINTED
    assert response["Location"] == reverse("admin:members_membership_change", args=[membership.pk])


def test_admin_assign_refuses_a_taken_number(admin_client):
    MembershipFactory(number=1)
    UserFactory(email="tweede@example.org")
    response = admin_client.post(
        reverse("admin:members_membership_add"),
        {"email": "tweede@example.org", "number": "1", "how": How.DIGITAL},
    )
    assert response.status_code == 200
    assert "Dit lidnummer is al vergeven." in response.content.decode()


def test_admin_assign_refuses_unknown_account(admin_client):
    response = admin_client.post(
        reverse("admin:members_membership_add"),
        {"email": "niemand@example.org", "number": "", "how": How.DIGITAL},
    )
    assert "Er is geen account met dit e-mailadres." in response.content.decode()


def test_admin_assign_refuses_a_member(admin_client, member):
    response = admin_client.post(
        reverse("admin:members_membership_add"),
        {"email": member.email, "number": "", "how": How.DIGITAL},
    )
    assert f"Je bent al lid, met nummer {member.membership.number}." in response.content.decode()


def test_membership_add_page_renders(admin_client):
    assert admin_client.get(reverse("admin:members_membership_add")).status_code == 200


def test_memberships_cannot_be_edited_or_deleted(admin_client, member):
    pk = member.membership.pk
    response = admin_client.post(
        reverse("admin:members_membership_change", args=[pk]), {"number": "99"}
    )
    assert response.status_code == 403
    assert admin_client.get(reverse("admin:members_membership_delete", args=[pk])).status_code == (
        403
    )


def test_admin_creates_a_batch_through_the_service(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:members_codebatch_add"),
        {"label": "Eerste druk", "size": "12", "notes": "Drukkerij De Letter"},
    )
    batch = CodeBatch.objects.get()
    assert response["Location"] == reverse("admin:members_codebatch_change", args=[batch.pk])
    assert batch.codes.count() == 12 and batch.created_by == admin_user


def test_batch_add_page_refuses_bad_sizes(admin_client):
    response = admin_client.post(
        reverse("admin:members_codebatch_add"), {"label": "x", "size": "0"}
    )
    assert response.status_code == 200 and not CodeBatch.objects.exists()


def test_batch_list_counts_codes_per_status(admin_client, django_assert_max_num_queries):
    for _ in range(3):
        batch = CodeBatchFactory()
        ClaimCodeFactory.create_batch(2, batch=batch)
        ClaimCodeFactory(batch=batch, status=CodeStatus.REDEEMED)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:members_codebatch_changelist"))
    rows = {b.pk: b for b in response.context["cl"].result_list}
    assert {(b.available_count, b.redeemed_count) for b in rows.values()} == {(2, 1)}
    assert labels_url(batch) in response.content.decode()


def test_batch_change_page_links_codes_and_exports(admin_client):
    batch = CodeBatchFactory()
    ClaimCodeFactory(batch=batch)
    html = admin_client.get(reverse("admin:members_codebatch_change", args=[batch.pk])).content
    html = html.decode()
    assert f"?batch__id__exact={batch.pk}" in html
    assert "1 beschikbaar, 0 geclaimd, 0 ingetrokken" in html
    assert csv_url(batch) in html


def test_revoke_batch_action_leaves_redeemed_codes(admin_client):
    batch = CodeBatchFactory()
    ClaimCodeFactory.create_batch(2, batch=batch)
    redeemed = ClaimCodeFactory(batch=batch, status=CodeStatus.REDEEMED)
    other = ClaimCodeFactory()
    response = admin_client.post(
        reverse("admin:members_codebatch_changelist"),
        {"action": "revoke_batches", "_selected_action": [batch.pk]},
        follow=True,
    )
    assert "2 codes ingetrokken." in response.content.decode()
    assert batch.codes.filter(status=CodeStatus.REVOKED).count() == 2
    redeemed.refresh_from_db()
    other.refresh_from_db()
    assert redeemed.status == CodeStatus.REDEEMED and other.status == CodeStatus.AVAILABLE


def test_revoke_selected_codes_action(admin_client):
    chosen = ClaimCodeFactory()
    redeemed = ClaimCodeFactory(status=CodeStatus.REDEEMED)
    kept = ClaimCodeFactory()
    response = admin_client.post(
        reverse("admin:members_claimcode_changelist"),
        {"action": "revoke_codes", "_selected_action": [chosen.pk, redeemed.pk]},
        follow=True,
    )
    assert "1 code ingetrokken." in response.content.decode()
    statuses = dict(ClaimCode.objects.values_list("pk", "status"))
    assert statuses == {
        chosen.pk: CodeStatus.REVOKED,
        redeemed.pk: CodeStatus.REDEEMED,
        kept.pk: CodeStatus.AVAILABLE,
    }


def test_code_search_accepts_the_printed_form(admin_client):
    ClaimCodeFactory(code="7KQ4M2XD9TRA5B1C")
    ClaimCodeFactory()
    response = admin_client.get(
        reverse("admin:members_claimcode_changelist"), {"q": "7kq4-m2xd-9tra-5b1c"}
    )
    assert [c.code for c in response.context["cl"].result_list] == ["7KQ4M2XD9TRA5B1C"]


def test_code_list_shows_who_redeemed(admin_client, django_assert_max_num_queries):
    for _ in range(4):
        claim_code = ClaimCodeFactory(status=CodeStatus.REDEEMED)
        MembershipFactory(code=claim_code, how=How.PRINTED)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:members_claimcode_changelist"))
    assert response.status_code == 200


def test_invitation_list_renders(admin_client):
    InvitationFactory(name="Buurman")
    response = admin_client.get(reverse("admin:members_invitation_changelist"))
    assert "Buurman" in response.content.decode()


def test_csv_export_lists_code_url_and_status(admin_client):
    batch = CodeBatchFactory()
    ClaimCodeFactory(batch=batch, code="7KQ4M2XD9TRA5B1C")
    ClaimCodeFactory(batch=batch, code="0000000000000001", status=CodeStatus.REVOKED)

    response = admin_client.get(csv_url(batch), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["code", "url", "status"],
        [
            "7KQ4-M2XD-9TRA-5B1C",
            "http://testserver/exemplaar/code/7KQ4-M2XD-9TRA-5B1C/",
            "available",
        ],
        [
            "0000-0000-0000-0001",
            "http://testserver/exemplaar/code/0000-0000-0000-0001/",
            "revoked",
        ],
    ]


def test_label_sheet_has_an_inline_qr_per_available_code_and_no_inline_style(
    admin_client, django_assert_max_num_queries
):
    batch = CodeBatchFactory()
    ClaimCodeFactory.create_batch(5, batch=batch)
    ClaimCodeFactory(batch=batch, code="0000000000000001", status=CodeStatus.REDEEMED)

    with django_assert_max_num_queries(6):
        response = admin_client.get(labels_url(batch))

    html = response.content.decode()
    assert len(select(response, "svg.label__qr")) == 5 and len(select(response, "svg")) == 5
    assert "0000-0000-0000-0001" not in html
    for claim_code in batch.codes.filter(status=CodeStatus.AVAILABLE):
        assert claim_code.display in html
        assert f"http://testserver/exemplaar/code/{claim_code.display}/" in html
    assert not select(response, "style, [style]")
    assert [href for href in hrefs(response, 'link[rel="stylesheet"]') if "/css/labels." in href]


@pytest.mark.parametrize("url_of", [csv_url, labels_url])
def test_exports_redirect_members_to_the_admin_login(member_client, url_of):
    response = member_client.get(url_of(CodeBatchFactory()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url_of", [csv_url, labels_url])
def test_exports_refuse_staff_without_permission(client, staff, url_of):
    client.force_login(staff)
    assert client.get(url_of(CodeBatchFactory())).status_code == 403


@pytest.mark.parametrize("url_of", [csv_url, labels_url])
def test_exports_allow_staff_with_view_permission(client, staff, url_of):
    staff.user_permissions.add(Permission.objects.get(codename="view_claimcode"))
    client.force_login(staff)
    assert client.get(url_of(CodeBatchFactory())).status_code == 200


def test_staff_without_change_permission_cannot_revoke(client, staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_claimcode"))
    claim_code = ClaimCodeFactory()
    client.force_login(staff)
    client.post(
        reverse("admin:members_claimcode_changelist"),
        {"action": "revoke_codes", "_selected_action": [claim_code.pk]},
    )
    claim_code.refresh_from_db()
    assert claim_code.status == CodeStatus.AVAILABLE


def test_a_name_corrected_in_the_admin_shows_at_once_beneath_the_chapter(admin_client, chapters):
    """Stories show their author's name, and the story lists beneath the chapters are
    cached: a curator's correction raises the chapters' stories_version, as the member's
    own profile page does."""
    story = StoryFactory(chapter=chapters[0])
    profile = ProfileFactory(membership=story.author, display_name="Naam die weg moet")
    reader = Client()
    assert "Naam die weg moet" in reader.get(chapters[0].get_absolute_url()).content.decode()
    response = admin_client.post(
        reverse("admin:members_profile_change", args=[profile.pk]),
        {"display_name": "Anna", "municipality": "", "role": "", "bio": "", "visibility": "name"},
    )
    assert response.status_code == 302
    html = reader.get(chapters[0].get_absolute_url()).content.decode()
    assert "Anna" in html and "Naam die weg moet" not in html
