import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from organisations.models import Affiliation, Organisation, Relation
from organisations.services import organisation_save
from tests.factories import AffiliationFactory, MembershipFactory, UserFactory
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db

MINE = reverse("organisations:mine")


def zwolle() -> Organisation:
    return Organisation.objects.get(cbs_code="GM0193")


def choose(client, organisation, **data):
    return client.post(
        reverse("organisations:affiliation_create", args=[organisation.pk]),
        {"relation": Relation.LIVES, **data},
    )


def test_searching_offers_a_few_organisations_never_all_of_them(member_client):
    response = member_client.get(MINE)
    assert response.context["found"] is None
    assert response.content.decode().count("<option") < 10

    response = member_client.get(MINE, {"q": "zwol"})
    assert [o.name for o in response.context["found"]] == ["Zwolle"]
    response = member_client.get(MINE, {"q": "berg"})
    assert 1 < len(response.context["found"]) <= 10
    assert response.content.decode().count("<option") <= 10 * len(Relation.choices)


def test_choosing_an_organisation_affiliates_the_member(member_client, member):
    response = choose(member_client, zwolle(), relation=Relation.WORKS)
    assert response["Location"] == MINE
    affiliation = Affiliation.objects.get(membership__user=member)
    assert (affiliation.organisation, affiliation.relation, affiliation.public) == (
        zwolle(),
        Relation.WORKS,
        False,
    )
    choose(member_client, zwolle(), relation=Relation.WORKS, public="on")
    assert Affiliation.objects.get(membership__user=member).public


def test_a_verified_address_on_the_domain_verifies_the_affiliation(client):
    organisation = zwolle()
    organisation.email_domains = "Zwolle.nl, @gemeente-zwolle.nl"
    organisation_save(organisation=organisation)
    assert organisation.email_domains == "zwolle.nl, gemeente-zwolle.nl"
    user = MembershipFactory(user=UserFactory(email="a@gemeente-zwolle.nl")).user
    EmailAddress.objects.create(user=user, email="a@GEMEENTE-zwolle.nl", verified=True)
    client.force_login(user)
    choose(client, organisation, relation=Relation.WORKS)
    assert Affiliation.objects.get(membership__user=user).verified
    # A look-alike domain does not.
    other = MembershipFactory(user=UserFactory()).user
    EmailAddress.objects.create(user=other, email="b@zwolle.nl.example.org", verified=True)
    client.force_login(other)
    choose(client, organisation, relation=Relation.WORKS)
    assert not Affiliation.objects.get(membership__user=other).verified


def test_a_bad_relation_or_a_merged_organisation_saves_nothing(member_client):
    response = choose(member_client, zwolle(), relation="koning")
    assert response["Location"] == MINE
    merged = Organisation.objects.get(cbs_code="GM0166")
    merged.successor = zwolle()
    merged.save()
    assert choose(member_client, merged).status_code == 404
    assert not Affiliation.objects.exists()


def test_a_member_removes_their_own_affiliation_and_no_one_elses(member_client, member):
    mine = AffiliationFactory(membership=member.membership)
    theirs = AffiliationFactory()
    response = member_client.post(reverse("organisations:affiliation_delete", args=[theirs.pk]))
    assert response.status_code == 404
    member_client.post(reverse("organisations:affiliation_delete", args=[mine.pk]))
    assert list(Affiliation.objects.all()) == [theirs]


def test_without_a_copy_the_page_leads_to_the_claim(client):
    client.force_login(UserFactory())
    assert client.get(MINE)["Location"] == reverse("members:claim")
    assert choose(client, zwolle())["Location"] == reverse("members:claim")
    assert not Affiliation.objects.exists()
    client.logout()
    assert client.get(MINE)["Location"].startswith(reverse("account_login"))


def test_safe_requests_change_nothing(member_client, member):
    AffiliationFactory(membership=member.membership)
    assert_safe_requests_change_nothing(member_client, [MINE, MINE + "?q=zwolle"])
