import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from members.models import Membership, Visibility
from organisations.models import Affiliation, Kind, Organisation, Relation
from organisations.services import organisation_save
from stories.models import Status
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProfileFactory,
    StoryFactory,
    UserFactory,
)
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db

MUNICIPALITIES = reverse("organisations:municipality_list")
ORGANISATIONS = reverse("organisations:list")


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(cbs_code=code)


def names(response) -> list[str]:
    return [organisation.name for organisation in response.context["page"].object_list]


def test_the_municipalities_with_members_are_listed_founders_first(client):
    zwolle, kampen, urk = municipality("GM0193"), municipality("GM0166"), municipality("GM0184")
    kampen.founding = True
    kampen.save()
    AffiliationFactory.create_batch(2, organisation=zwolle)
    both = AffiliationFactory(organisation=zwolle)
    AffiliationFactory(membership=both.membership, organisation=zwolle, relation=Relation.WORKS)
    AffiliationFactory(organisation=kampen, public=False)
    retired = MembershipFactory()
    AffiliationFactory(membership=retired, organisation=urk)
    retired.user = None
    retired.save()
    AffiliationFactory()  # a company

    response = client.get(MUNICIPALITIES)

    assert names(response) == ["Kampen", "Zwolle"]
    counts = {o.name: o.member_count for o in response.context["page"].object_list}
    assert counts == {"Kampen": 1, "Zwolle": 3}
    assertContains(response, '<span class="badge">Oprichter</span>', html=True, count=1)


def test_filters_by_kind_and_province(client):
    AffiliationFactory(organisation=municipality("GM0193"))  # Overijssel
    AffiliationFactory(organisation=municipality("GM0363"))  # Amsterdam, Noord-Holland
    AffiliationFactory(organisation=OrganisationFactory(name="Buurtkracht", province="OV"))
    assert names(client.get(MUNICIPALITIES, {"provincie": "OV"})) == ["Zwolle"]
    assert names(client.get(ORGANISATIONS, {"provincie": "OV"})) == ["Buurtkracht", "Zwolle"]
    assert names(client.get(ORGANISATIONS, {"soort": Kind.CIVIL_SOCIETY})) == ["Buurtkracht"]
    # A value that is no choice filters nothing, and says so in the form.
    response = client.get(ORGANISATIONS, {"soort": "kasteel", "provincie": "XX"})
    assert response.status_code == 200
    assert len(names(response)) == 3
    assert response.context["form"].errors


def test_the_list_takes_the_same_queries_for_more_organisations(client):
    AffiliationFactory(organisation=municipality("GM0193"))
    with CaptureQueriesContext(connection) as few:
        client.get(ORGANISATIONS)
    for code in ["GM0166", "GM0184", "GM0363", "GM0150"]:
        AffiliationFactory.create_batch(3, organisation=municipality(code))
    AffiliationFactory.create_batch(5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(ORGANISATIONS)
    assert len(response.context["page"].object_list) == 10
    # Not from the cache (new organisations: a new key): the versions the key is made
    # of, the count and the page.
    assert len(many) == len(few) == 3


@pytest.fixture
def zwolle(chapters):
    zwolle = municipality("GM0193")
    zwolle.description = "Wij **leren** van inwoners."
    zwolle.learning_question = "Hoe laten we los zonder weg te lopen?"
    return organisation_save(organisation=zwolle)


def story_titles(response) -> list[str]:
    return sorted(story.title for story in response.context["page"].object_list)


def test_the_page_shows_the_visible_stories_of_its_members(client, zwolle, chapters):
    open_chapter, members_chapter = chapters[0], chapters[2]
    public = AffiliationFactory(organisation=zwolle, public=True)
    private = AffiliationFactory(organisation=zwolle, public=False)
    StoryFactory(author=public.membership, chapter=open_chapter, title="Open")
    StoryFactory(author=public.membership, chapter=members_chapter, title="Voor leden")
    StoryFactory(author=public.membership, chapter=open_chapter, status=Status.PENDING)
    StoryFactory(author=private.membership, chapter=open_chapter, title="Van een stil lid")
    StoryFactory(chapter=open_chapter, title="Noemt Zwolle", organisation=zwolle)
    StoryFactory(chapter=open_chapter, title="Ergens anders")

    response = client.get(zwolle.get_absolute_url())

    assert story_titles(response) == ["Noemt Zwolle", "Open"]
    assertContains(response, "<p>Wij <strong>leren</strong> van inwoners.</p>", html=True)
    assertContains(response, "Hoe laten we los zonder weg te lopen?")
    client.force_login(MembershipFactory().user)
    assert story_titles(client.get(zwolle.get_absolute_url())) == [
        "Noemt Zwolle",
        "Open",
        "Voor leden",
    ]


def test_its_public_members_are_shown_to_members_only(client, zwolle):
    shown = ProfileFactory(display_name="Anouk", visibility=Visibility.FULL)
    AffiliationFactory(membership=shown.membership, organisation=zwolle, public=True)
    AffiliationFactory(
        membership=shown.membership, organisation=zwolle, relation=Relation.WORKS, public=True
    )
    hidden = ProfileFactory(display_name="Bram", visibility=Visibility.HIDDEN)
    AffiliationFactory(membership=hidden.membership, organisation=zwolle, public=True)
    private = ProfileFactory(display_name="Chris")
    AffiliationFactory(membership=private.membership, organisation=zwolle, public=False)

    response = client.get(zwolle.get_absolute_url())
    assert response.context["members"] is None
    assertNotContains(response, "Anouk")

    client.force_login(MembershipFactory().user)
    response = client.get(zwolle.get_absolute_url())
    assert list(response.context["members"].object_list) == [shown.membership]
    assertNotContains(response, "Bram")
    assertNotContains(response, "Chris")


def test_the_page_takes_the_same_queries_for_more_stories_and_members(client, zwolle, chapters):
    client.force_login(MembershipFactory().user)

    def add(n):
        for _ in range(n):
            affiliation = AffiliationFactory(
                organisation=zwolle,
                membership=ProfileFactory(visibility=Visibility.FULL).membership,
            )
            StoryFactory(author=affiliation.membership, chapter=chapters[0])

    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(zwolle.get_absolute_url())
    add(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(zwolle.get_absolute_url())
    assert len(response.context["page"].object_list) == 10
    assert len(many) == len(few)


def test_a_merged_municipality_leads_to_its_successor(client, zwolle):
    kampen = municipality("GM0166")
    kampen.successor = zwolle
    kampen.save()
    response = client.get(reverse("municipality", args=["kampen"]))
    assert (response.status_code, response["Location"]) == (301, zwolle.get_absolute_url())
    other = OrganisationFactory()
    response = client.get(reverse("municipality", args=[other.slug]))
    assert response["Location"] == reverse("organisation", args=[other.slug])
    assert client.get(reverse("municipality", args=["nergens"])).status_code == 404


def test_safe_requests_change_nothing(client, zwolle):
    AffiliationFactory(organisation=zwolle)
    paths = [MUNICIPALITIES, ORGANISATIONS + "?soort=x&page=9", zwolle.get_absolute_url()]
    assert_safe_requests_change_nothing(client, paths)
    client.force_login(MembershipFactory().user)
    assert_safe_requests_change_nothing(
        client, paths + [reverse("organisation_join", args=["zwolle"])]
    )


# ---- Word lid via <gemeente> ------------------------------------------------------


def join(client, slug="zwolle", **data):
    return client.post(
        reverse("organisation_join", args=[slug]),
        {"relation": Relation.LIVES, "public": "on", **data},
    )


def test_a_visitor_is_asked_to_make_an_account_first(client, zwolle):
    response = join(client)
    assert response["Location"] == f"{reverse('account_signup')}?next=%2Fgemeenten%2Fzwolle%2F"
    assert not Affiliation.objects.exists()


def test_joining_via_a_municipality_claims_a_copy_with_the_affiliation(client, zwolle):
    user = UserFactory()
    client.force_login(user)
    response = join(client)
    assert response["Location"] == reverse("members:welcome")
    affiliation = Affiliation.objects.get(membership__user=user)
    assert (affiliation.organisation, affiliation.relation, affiliation.public) == (
        zwolle,
        Relation.LIVES,
        True,
    )
    assert not affiliation.verified


def test_a_member_joins_with_a_verified_address_on_the_domain_and_is_verified(client, zwolle):
    zwolle.email_domains = "zwolle.nl"
    zwolle.save()
    member = MembershipFactory(user=UserFactory(email="p.jansen@zwolle.nl"))
    EmailAddress.objects.create(
        user=member.user, email="p.jansen@zwolle.nl", verified=True, primary=True
    )
    other = MembershipFactory(user=UserFactory(email="p@zwolle.nl"))
    EmailAddress.objects.create(user=other.user, email="p@zwolle.nl", verified=False)
    client.force_login(member.user)
    join(client, relation=Relation.WORKS)
    client.force_login(other.user)
    join(client, relation=Relation.WORKS)
    assert Membership.objects.count() == 2
    assert Affiliation.objects.get(membership=member).verified
    assert not Affiliation.objects.get(membership=other).verified


def test_a_bad_relation_is_refused_and_nothing_saved(client, zwolle):
    user = UserFactory()
    client.force_login(user)
    response = join(client, relation="koning")
    assert response["Location"] == zwolle.get_absolute_url()
    assert not Membership.objects.filter(user=user).exists()
    assert not Affiliation.objects.exists()
    assert join(client, slug="nergens").status_code == 404


def test_the_pages_speak_english_at_their_english_addresses(client):
    AffiliationFactory(organisation=municipality("GM0193"))
    response = client.get("/en/municipalities/")
    assertContains(response, "<h1>Municipalities</h1>", html=True)
    assertContains(response, '<a href="/en/municipalities/zwolle/">Zwolle</a>', html=True)
    response = client.get("/en/municipalities/zwolle/")
    assertContains(response, '<h2 id="lid-worden">Join through Zwolle</h2>', html=True)
