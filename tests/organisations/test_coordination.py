import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import ClaimCode, Membership
from members.services import claim_code_redeem
from organisations.models import Affiliation, Coordinator, Organisation, OrganisationBatch
from tests.factories import (
    AffiliationFactory,
    ChapterFactory,
    InvitationFactory,
    MembershipFactory,
    ProfileFactory,
    StoryFactory,
    UserFactory,
)
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


@pytest.fixture
def zwolle():
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    zwolle.batch_quota = 50
    zwolle.save()
    return zwolle


@pytest.fixture
def kampen():
    kampen = Organisation.objects.get(cbs_code="GM0166")
    kampen.batch_quota = 50
    kampen.save()
    return kampen


@pytest.fixture
def coordinator(zwolle):
    membership = MembershipFactory(user=UserFactory(email="coordinator@zwolle.nl"))
    Coordinator.objects.create(organisation=zwolle, membership=membership)
    return membership.user


def url(name, organisation, *args):
    return reverse(f"organisations:{name}", args=[organisation.slug, *args])


def test_a_coordinator_sees_public_affiliations_never_private_ones_or_addresses(
    client, zwolle, coordinator
):
    public = AffiliationFactory(
        organisation=zwolle,
        membership=ProfileFactory(display_name="Anouk").membership,
        public=True,
    )
    AffiliationFactory(
        organisation=zwolle,
        membership=ProfileFactory(display_name="Geheim").membership,
        public=False,
    )
    client.force_login(coordinator)
    response = client.get(url("coordinate", zwolle))
    assert response.context["affiliations"].object_list == [public]
    assert response.context["private_count"] == 1
    html = response.content.decode()
    assert "Anouk" in html and "Geheim" not in html
    assert public.membership.user.email not in html and "@" not in html.split("<main", 1)[-1]


def test_a_coordinator_verifies_and_removes_affiliations(client, zwolle, coordinator):
    first, second = AffiliationFactory.create_batch(2, organisation=zwolle)
    private = AffiliationFactory(organisation=zwolle, public=False)
    client.force_login(coordinator)
    client.post(url("affiliation_verify", zwolle, first.pk))
    client.post(url("affiliation_remove", zwolle, second.pk))
    first.refresh_from_db()
    assert first.verified
    assert not Affiliation.objects.filter(pk=second.pk).exists()
    # A private affiliation is not theirs to see, let alone change.
    assert client.post(url("affiliation_verify", zwolle, private.pk)).status_code == 404
    assert client.post(url("affiliation_remove", zwolle, private.pk)).status_code == 404
    private.refresh_from_db()
    assert not private.verified


def test_a_coordinator_edits_the_page_and_a_bad_logo_saves_nothing(client, zwolle, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url("organisation_edit", zwolle),
        {
            "description": "Samen **doen**. <script>x</script>",
            "learning_question": "Hoe?",
            "website": "https://www.zwolle.nl/",
        },
    )
    assert response["Location"] == url("coordinate", zwolle)
    zwolle.refresh_from_db()
    assert "<strong>doen</strong>" in zwolle.description_html
    assert "<script>" not in zwolle.description_html

    logo = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(
        url("organisation_edit", zwolle),
        {"description": "Anders", "learning_question": "Nieuw?", "new_logo": logo},
    )
    assert response.status_code == 400
    assert "new_logo" in response.context["edit_form"].errors
    zwolle.refresh_from_db()
    assert zwolle.learning_question == "Hoe?"


def test_coordinators_appoint_coordinators(client, zwolle, coordinator):
    colleague = MembershipFactory()
    client.force_login(coordinator)
    client.post(url("coordinator_add", zwolle), {"number": colleague.number})
    assert Coordinator.objects.filter(organisation=zwolle, membership=colleague).exists()
    for number in ["999999", "-1", "x", str(2**70)]:
        response = client.post(url("coordinator_add", zwolle), {"number": number})
        assert response.status_code == 400
    assert Coordinator.objects.filter(organisation=zwolle).count() == 2


def test_a_coordinator_makes_batches_within_the_quota_and_prints_them(client, zwolle, coordinator):
    client.force_login(coordinator)
    client.post(url("batch_create", zwolle), {"label": "Bibliotheek", "size": "30"})
    [link] = OrganisationBatch.objects.filter(organisation=zwolle)
    assert link.batch.codes.count() == 30

    response = client.post(url("batch_create", zwolle), {"label": "Meer", "size": "21"})
    assert response.status_code == 400
    assert "Er zijn nog 20 codes over" in str(response.context["batch_form"].errors)
    assert OrganisationBatch.objects.filter(organisation=zwolle).count() == 1
    assert ClaimCode.objects.count() == 30

    rows = list(
        csv.reader(
            io.StringIO(client.get(url("batch_csv", zwolle, link.batch.pk)).content.decode())
        )
    )
    assert rows[0] == ["code", "url", "status"] and len(rows) == 31
    labels = client.get(url("batch_labels", zwolle, link.batch.pk))
    assert len(labels.context["labels"]) == 30


def test_a_coordinator_cannot_reach_another_organisations_pages_or_batches(
    client, zwolle, kampen, coordinator
):
    other = MembershipFactory()
    Coordinator.objects.create(organisation=kampen, membership=other)
    client.force_login(other.user)
    client.post(url("batch_create", kampen), {"label": "Kampen", "size": "5"})
    kampen_batch = OrganisationBatch.objects.get(organisation=kampen).batch
    theirs = AffiliationFactory(organisation=kampen)

    client.force_login(coordinator)
    for path in [
        url("coordinate", kampen),
        url("batch_csv", kampen, kampen_batch.pk),
        url("batch_labels", kampen, kampen_batch.pk),
        reverse("organisation_statistics", args=["kampen"]),
        reverse("organisation_statistics_csv", args=["kampen", "leden-via"]),
    ]:
        assert client.get(path).status_code == 403, path
    for path in [
        url("batch_create", kampen),
        url("affiliation_verify", kampen, theirs.pk),
        url("organisation_edit", kampen),
        url("coordinator_add", kampen),
    ]:
        assert client.post(path, {"label": "x", "size": "5", "number": "1"}).status_code == 403
    # Through their own organisation's addresses, another's objects are not found.
    assert client.get(url("batch_csv", zwolle, kampen_batch.pk)).status_code == 404
    assert client.post(url("affiliation_verify", zwolle, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.verified
    assert OrganisationBatch.objects.filter(organisation=kampen).count() == 1
    assert (
        not Coordinator.objects.filter(organisation=kampen, membership__number=1)
        .exclude(membership=other)
        .exists()
    )


def test_members_and_visitors_may_not_coordinate(client, zwolle):
    assert client.get(url("coordinate", zwolle))["Location"].startswith(reverse("account_login"))
    client.force_login(MembershipFactory().user)
    assert client.get(url("coordinate", zwolle)).status_code == 403


def test_curators_coordinate_every_organisation(client, curator, zwolle):
    client.force_login(curator)
    assert client.get(url("coordinate", zwolle)).status_code == 200


def test_statistics_count_members_codes_invitations_and_stories(client, zwolle, coordinator):
    chapter = ChapterFactory(number=1, title="Begin")
    public = AffiliationFactory(organisation=zwolle)
    private = AffiliationFactory(organisation=zwolle, public=False, relation="works")
    StoryFactory(author=public.membership, chapter=chapter)
    StoryFactory(author=private.membership, chapter=chapter)
    StoryFactory(chapter=chapter, organisation=zwolle)
    StoryFactory(chapter=chapter)
    invitation = InvitationFactory(created_by=public.membership)
    MembershipFactory(invited_by=public.membership, invitation=invitation)
    client.force_login(coordinator)
    client.post(url("batch_create", zwolle), {"label": "Druk", "size": "2"})
    code = ClaimCode.objects.first()
    claim_code_redeem(code=code.display, user=UserFactory())

    response = client.get(reverse("organisation_statistics", args=["zwolle"]))

    tables = {table.slug: table.rows for table, _chart in response.context["tables"]}
    assert tables["leden-per-relatie"][:2] == [["Woont in", 1], ["Werkt bij", 1]]
    assert tables["leden-via"] == [
        ["Codes van de organisatie", 1],
        ["Uitnodigingen van haar leden", 1],
    ]
    assert tables["verhalen-per-hoofdstuk"][-1] == ["1. Begin", 3]
    assert "<svg" in response.content.decode()
    csv_response = client.get(reverse("organisation_statistics_csv", args=["zwolle", "leden-via"]))
    assert csv_response.content.decode().splitlines()[1:] == [
        "Codes van de organisatie,1",
        "Uitnodigingen van haar leden,1",
    ]
    assert (
        client.get(reverse("organisation_statistics_csv", args=["zwolle", "x"])).status_code == 404
    )
    assert Membership.objects.count() == 7


def test_safe_requests_change_nothing(client, zwolle, coordinator):
    AffiliationFactory(organisation=zwolle)
    client.force_login(coordinator)
    assert_safe_requests_change_nothing(
        client,
        [
            url("coordinate", zwolle),
            reverse("organisation_statistics", args=["zwolle"]),
            reverse("organisation_statistics_csv", args=["zwolle", "leden-via"]),
        ],
    )
