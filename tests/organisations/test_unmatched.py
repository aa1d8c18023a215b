import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Affiliation, Kind, Organisation, Relation, UnmatchedName
from tests.factories import MembershipFactory, ProfileFactory, StoryFactory
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db

LIST = reverse("unmatched_names")


@pytest.fixture
def typo():
    """A member and a story that spelled Zwolle "Zwole"; one more member spelled it "ZWOLE"."""
    profile = ProfileFactory(municipality="Zwole", visibility="full")
    other = ProfileFactory(municipality="ZWOLE ")
    story = StoryFactory(author=profile.membership, municipality="Zwole")
    return UnmatchedName.objects.create(name="Zwole"), profile, other, story


def test_the_list_offers_close_organisations_and_counts(client, curator, typo):
    client.force_login(curator)
    response = client.get(LIST)
    [item] = response.context["listed"]
    assert (item.members, item.stories) == (2, 1)
    assert "Zwolle" in [organisation.name for organisation in item.candidates]
    assert_safe_requests_change_nothing(client, [LIST, LIST + "?q=zwol&voor=1"])


def test_the_list_takes_the_same_queries_for_more_names(client, curator, typo):
    client.force_login(curator)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(5):
        UnmatchedName.objects.create(name=f"Plaats {n}")
        ProfileFactory(municipality=f"Plaats {n}")
        StoryFactory(municipality=f"Plaats {n}")
    with CaptureQueriesContext(connection) as six:
        client.get(LIST)
    assert len(six.captured_queries) == len(one.captured_queries)


def test_mapping_a_name_in_two_clicks_affiliates_members_and_names_stories(client, curator, typo):
    unmatched, profile, other, story = typo
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    client.force_login(curator)
    page = client.get(LIST)
    assert zwolle in page.context["listed"][0].candidates

    response = client.post(
        reverse("unmatched_name_map", args=[unmatched.pk]), {"organisation": zwolle.pk}
    )

    assert response["Location"] == LIST
    story.refresh_from_db()
    assert story.organisation == zwolle
    assert story.municipality == "Zwole"
    affiliations = Affiliation.objects.filter(organisation=zwolle).order_by("membership")
    assert [(a.membership_id, a.relation, a.public) for a in affiliations] == [
        (profile.membership_id, Relation.LIVES, True),
        (other.membership_id, Relation.LIVES, False),
    ]
    assert not UnmatchedName.objects.exists()


def test_a_curator_creates_the_organisation_for_a_name(client, curator):
    profile = ProfileFactory(municipality="Wijkbedrijf Zuidpoort")
    unmatched = UnmatchedName.objects.create(name="Wijkbedrijf Zuidpoort")
    client.force_login(curator)

    client.post(reverse("unmatched_name_create", args=[unmatched.pk]), {"kind": "business"})

    organisation = Organisation.objects.get(name="Wijkbedrijf Zuidpoort")
    assert (organisation.slug, organisation.kind) == ("wijkbedrijf-zuidpoort", Kind.BUSINESS)
    affiliation = Affiliation.objects.get(membership=profile.membership)
    assert (affiliation.organisation, affiliation.relation) == (organisation, Relation.VOLUNTEERS)


def test_a_bad_kind_is_refused_with_a_message_and_nothing_saved(client, curator):
    ProfileFactory(municipality="Wijkbedrijf Zuidpoort")
    unmatched = UnmatchedName.objects.create(name="Wijkbedrijf Zuidpoort")
    client.force_login(curator)

    response = client.post(
        reverse("unmatched_name_create", args=[unmatched.pk]), {"kind": "castle"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["Kies een soort organisatie."]
    assert not Organisation.objects.filter(name="Wijkbedrijf Zuidpoort").exists()
    assert not Affiliation.objects.exists()
    assert UnmatchedName.objects.filter(pk=unmatched.pk).exists()


def test_mapping_to_an_unknown_or_merged_organisation_is_a_404(client, curator, typo):
    unmatched = typo[0]
    merged = Organisation.objects.get(cbs_code="GM0166")
    merged.successor = Organisation.objects.get(cbs_code="GM0193")
    merged.save()
    client.force_login(curator)
    url = reverse("unmatched_name_map", args=[unmatched.pk])
    for value in ["", "x", "99999999", str(2**70), str(merged.pk)]:
        assert client.post(url, {"organisation": value}).status_code == 404
    assert not Affiliation.objects.exists()


def test_members_may_not_map_names(client, typo):
    member = MembershipFactory().user
    client.force_login(member)
    assert client.get(LIST).status_code == 403
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    url = reverse("unmatched_name_map", args=[typo[0].pk])
    assert client.post(url, {"organisation": zwolle.pk}).status_code == 403
    assert not Affiliation.objects.exists()
