"""2,000 organisations and 20,000 affiliated members (bulk-created, as seed_load does):
the overviews, an organisation's page and its coordinators' page take the same queries
as with a handful, and stay paged."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, Profile, Visibility
from organisations.models import Affiliation, Coordinator, Kind, Organisation, Relation
from stories.models import Status, Story
from tests.clients import cold_and_cached_queries, signed_in
from tests.factories import MembershipFactory, bulk_stories

pytestmark = pytest.mark.django_db

ORGANISATIONS = 2_000
MEMBERS = 20_000


def bulk_community(*, organisations: int, members: int, first: int, zwolle: Organisation):
    """`organisations` new organisations (with the municipalities) and `members` new
    members, each affiliated with one of them, every tenth with Zwolle, public and
    private ones mixed, in a few bulk inserts."""
    kinds = [Kind.CIVIL_SOCIETY, Kind.BUSINESS, Kind.RESIDENTS, Kind.EDUCATION]
    made = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisatie {first + n}",
            slug=f"organisatie-{first + n}",
            kind=kinds[n % len(kinds)],
            province="OV" if n % 2 else "UT",
        )
        for n in range(organisations)
    )
    municipalities = list(Organisation.objects.municipalities().current()[:100])
    places = [*made, *municipalities]
    password = make_password(None)
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"schaal{first + n}", email=f"schaal{first + n}@example.org", password=password
        )
        for n in range(members)
    )
    top = Membership.objects.order_by("-number").values_list("number", flat=True).first() or 0
    memberships = Membership.objects.bulk_create(
        Membership(user=user, number=top + 1 + n, claimed_at=timezone.now())
        for n, user in enumerate(users)
    )
    Profile.objects.bulk_create(
        Profile(
            membership=membership,
            display_name=f"Lid {membership.number}",
            visibility=Visibility.FULL if n % 3 else Visibility.NAME,
            card_token=f"schaal-{first + n}",
        )
        for n, membership in enumerate(memberships)
    )
    Affiliation.objects.bulk_create(
        Affiliation(
            membership=membership,
            organisation=zwolle if n % 10 == 0 else places[n % len(places)],
            relation=Relation.LIVES if n % 2 else Relation.WORKS,
            public=n % 4 != 0,
            verified=n % 5 == 0,
        )
        for n, membership in enumerate(memberships)
    )
    return memberships


def queries_of(client, url) -> int:
    client.get(url)  # the first request fills the process' caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def shared_counts(zwolle, member) -> dict[tuple[str, str], tuple[int, int]]:
    """Cold and cached, for anonymous readers and for a member: the pages they share."""
    paths = {
        "/organisaties/": reverse("organisations:list"),
        "/gemeenten/?provincie=OV": reverse("organisations:municipality_list") + "?provincie=OV",
        "/organisaties/?pagina=2": reverse("organisations:list") + "?pagina=2",
        "organisation page": zwolle.get_absolute_url(),
        "organisation page, second page of stories": zwolle.get_absolute_url() + "?pagina=2",
        "organisation page, second page of members": zwolle.get_absolute_url() + "?leden=2",
    }
    anonymous, signed = Client(), Client()
    counts = {}
    for name, path in paths.items():
        counts[name, "anonymous"] = cold_and_cached_queries(anonymous, path)
        counts[name, "member"] = cold_and_cached_queries(signed, path, member)
    return counts


def test_organisation_pages_take_the_same_queries_for_thousands(open_chapter):
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    coordinator = MembershipFactory()
    Coordinator.objects.create(organisation=zwolle, membership=coordinator)
    member_user = MembershipFactory().user
    member = signed_in(member_user)
    viewer = MembershipFactory().user  # a member who shares the cached pages
    coordinating = signed_in(coordinator.user)

    def sign_in_again():
        """shared_counts empties every cache: with the sessions in Redis (the PostgreSQL
        pass) that signs every client out."""
        member.force_login(member_user)
        coordinating.force_login(coordinator.user)

    urls = {
        "/gemeenten/": (member, reverse("organisations:municipality_list")),
        "/organisaties/": (member, reverse("organisations:list")),
        "/organisaties/?provincie=OV": (member, reverse("organisations:list") + "?provincie=OV"),
        "organisation page": (member, zwolle.get_absolute_url()),
        "organisation page, second page of members": (
            member,
            zwolle.get_absolute_url() + "?leden=2",
        ),
        "coordinators' page": (
            coordinating,
            reverse("organisations:coordinate", args=[zwolle.slug]),
        ),
        "directory by organisation": (member, f"{reverse('directory')}?organisatie={zwolle.pk}"),
    }

    few_members = bulk_community(organisations=5, members=60, first=0, zwolle=zwolle)
    bulk_stories(20, chapter=open_chapter, authors=few_members[::10], organisation=zwolle)
    few = {name: queries_of(client, url) for name, (client, url) in urls.items()}
    few_shared = shared_counts(zwolle, viewer)
    sign_in_again()
    for (name, audience), (miss, hit) in few_shared.items():
        assert hit < miss, (name, audience)
        assert hit <= 4, (name, audience)  # the versions (+ session, user, reactions)

    many_members = bulk_community(
        organisations=ORGANISATIONS, members=MEMBERS, first=1_000, zwolle=zwolle
    )
    bulk_stories(2_000, chapter=open_chapter, authors=many_members[::10], organisation=zwolle)
    assert Organisation.objects.count() >= ORGANISATIONS
    assert Affiliation.objects.filter(organisation=zwolle).count() > 2_000
    assert Story.objects.filter(organisation=zwolle, status=Status.PUBLISHED).count() > 2_000
    many = {name: queries_of(client, url) for name, (client, url) in urls.items()}
    assert many == few
    assert shared_counts(zwolle, viewer) == few_shared
    sign_in_again()

    # Still pages, not everything at once.
    page = member.get(reverse("organisations:list"))
    assert len(page.context["page"].object_list) == 50
    page = coordinating.get(reverse("organisations:coordinate", args=[zwolle.slug]))
    assert len(page.context["affiliations"].object_list) == 50
    assert page.context["affiliations"].count > 1_000  # the public ones of Zwolle's 2,006
