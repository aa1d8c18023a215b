import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from members import services
from members.models import Membership, Role, Visibility
from organisations.models import Organisation
from tests.factories import AffiliationFactory, MembershipFactory, ProfileFactory, UserFactory
from tests.markup import hrefs, links, one, select, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("municipalities")]

DIRECTORY = "/leden/"


def municipality(cbs_code: str) -> Organisation:
    return Organisation.objects.get(cbs_code=cbs_code)


ZWOLLE, DEVENTER, UTRECHT = "GM0193", "GM0150", "GM0344"


def full(name, role=Role.RESIDENT, place=ZWOLLE, public=True, **kwargs):
    """A full profile, with a municipality (chosen on "Mijn organisaties") unless
    `place` is None."""
    profile = ProfileFactory(display_name=name, role=role, visibility=Visibility.FULL, **kwargs)
    if place is not None:
        AffiliationFactory(
            membership=profile.membership, organisation=municipality(place), public=public
        )
    return profile


def photo_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "#c0552f").save(buffer, "PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")


def names_on(response):
    return [
        tile.profile.display_name if hasattr(tile, "profile") else f"#{tile.number}"
        for tile in response.context["page"].object_list
    ]


def test_directory_url():
    from django.urls import reverse

    assert reverse("directory") == DIRECTORY
    with translation.override("en"):
        assert reverse("directory") == "/en/members/"


def test_visitors_see_only_the_total_count(client):
    full("Anouk", bio="Over mij")
    ProfileFactory(display_name="Verborgen", visibility=Visibility.HIDDEN)
    MembershipFactory(user=None)  # retired: not a member any more
    response = client.get(DIRECTORY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "De gemeenschap telt 2 leden." in html
    assert "Anouk" not in html and "Verborgen" not in html
    assert "De ledenlijst is voor leden" in html
    assert "/accounts/login/?next=/leden/" in hrefs(response, "main a")


def test_accounts_without_a_copy_see_only_the_count(client, user):
    full("Anouk")
    client.force_login(user)
    html = client.get(DIRECTORY).content.decode()
    assert "Anouk" not in html and "De ledenlijst is voor leden" in html


def test_members_see_who_opted_in_and_the_count_of_everyone(client, member):
    anouk = full("Anouk", bio="Ik tuinier graag.")
    ProfileFactory(display_name="Joost", visibility=Visibility.NAME, role=Role.GOVERNMENT)
    ProfileFactory(display_name="Verborgen", visibility=Visibility.HIDDEN)
    MembershipFactory(user=None)
    client.force_login(member)
    response = client.get(DIRECTORY)
    html = response.content.decode()

    assert "De gemeenschap telt 4 leden." in html  # member, Anouk, Joost, hidden
    assert "Anouk" in html and "Ik tuinier graag." in html
    zwolle = municipality(ZWOLLE)
    assert ("Zwolle", f"/leden/?organisatie={zwolle.pk}") in links(response, ".member-tile a")
    assert "Joost" in html
    assert "Verborgen" not in html
    # Name-and-number members show neither role nor place.
    (joost_tile,) = [tile for tile in select(response, "li.member-tile") if "Joost" in text(tile)]
    assert "Overheid" not in text(joost_tile)
    # A member who never filled in a profile is there by number (the default).
    assert f"Lid nr. {member.membership.number}" in html
    assert anouk.membership.number in [m.number for m in response.context["page"].object_list]


def test_thumbnails_show_for_full_profiles_only(client, member):
    shown = ProfileFactory(display_name="Met foto", visibility=Visibility.FULL)
    services.profile_update(
        membership=shown.membership,
        display_name="Met foto",
        role="",
        bio="",
        visibility=Visibility.FULL,
        photo=services_photo(),
    )
    only_name = ProfileFactory(display_name="Alleen naam")
    services.profile_update(
        membership=only_name.membership,
        display_name="Alleen naam",
        role="",
        bio="",
        visibility=Visibility.NAME,
        photo=services_photo(),
    )
    client.force_login(member)
    html = client.get(DIRECTORY).content.decode()
    shown.refresh_from_db()
    only_name.refresh_from_db()
    assert shown.thumbnail.url in html
    assert only_name.thumbnail.url not in html and only_name.photo.url not in html


def services_photo():
    from core.images import process_photo

    return process_photo(photo_upload())


def _query(query: str) -> str:
    """`query` with the organisation named by CBS code ({GM0150}) as its id."""
    for code in (ZWOLLE, DEVENTER, UTRECHT):
        query = query.replace("{" + code + "}", str(municipality(code).pk))
    return query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?role=government", ["Joost"]),
        ("?organisatie={GM0150}", ["Fatima", "Joost"]),
        ("?role=entrepreneur&organisatie={GM0150}", ["Fatima"]),
        ("?role=resident&organisatie={GM0150}", []),
        ("?provincie=OV", ["Anouk", "Fatima", "Joost"]),
        ("?provincie=UT", ["Wim"]),
        ("?provincie=UT&organisatie={GM0150}", []),
        ("?provincie=LI", []),
    ],
)
def test_filters_by_role_organisation_and_province(client, member, query, expected):
    full("Anouk", Role.RESIDENT, ZWOLLE)
    full("Joost", Role.GOVERNMENT, DEVENTER)
    full("Fatima", Role.ENTREPRENEUR, DEVENTER)
    full("Wim", Role.RESIDENT, UTRECHT)
    # Same role and place, but shows only a name: the role filter must not reveal them;
    # nor does a private affiliation show up under its organisation.
    stil = ProfileFactory(display_name="Stil", role=Role.GOVERNMENT, visibility=Visibility.NAME)
    full("Geheim", Role.ENTREPRENEUR, DEVENTER, public=False)
    AffiliationFactory(membership=stil.membership, organisation=municipality(UTRECHT), public=False)
    client.force_login(member)
    response = client.get(DIRECTORY + _query(query))
    assert sorted(names_on(response)) == expected
    if not expected:
        assert "Geen leden gevonden met deze filters." in response.content.decode()


def test_the_organisation_is_a_chip_that_removes_it_keeping_the_rest(client, member):
    full("Joost", Role.GOVERNMENT, DEVENTER)
    client.force_login(member)
    response = client.get(DIRECTORY + _query("?role=government&organisatie={GM0150}&pagina=1"))
    (chip,) = select(response, ".filter-chip")
    assert "Organisatie: Deventer" in text(chip)
    assert hrefs(chip) == ["?role=government"]
    assert "provincie" in [s.get("name") for s in select(response, "form select")]
    assert not select(response, "select[name=organisatie]")  # never a select of hundreds


def test_public_municipalities_show_on_full_profiles_only(client, member):
    full("Anouk", place=ZWOLLE)
    full("Bram", place=DEVENTER, public=False)
    quiet = ProfileFactory(display_name="Stil", visibility=Visibility.NAME)
    AffiliationFactory(membership=quiet.membership, organisation=municipality(UTRECHT))
    client.force_login(member)
    response = client.get(DIRECTORY)
    assert [text(a) for a in select(response, ".member-tile__place")] == ["Zwolle"]


@pytest.mark.parametrize(
    ("query", "message"),
    [("?role=koning", "Selecteer een geldige keuze. koning is geen beschikbare keuze.")],
)
def test_unknown_filter_values_are_ignored_with_a_message(client, member, query, message):
    full("Anouk")
    ProfileFactory(visibility=Visibility.NAME, display_name="Stil")
    client.force_login(member)
    response = client.get(DIRECTORY + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Anouk" in html and "Stil" in html
    assert ("Alle leden tonen", "/leden/") in links(response, "main a")


@pytest.mark.parametrize("value", ["999999", "9" * 5000, "abc", "-3", "1.5"])
def test_an_unknown_organisation_is_said_and_shows_no_one(client, member, value):
    full("Anouk")
    merged = municipality(DEVENTER)
    merged.successor = municipality(ZWOLLE)
    merged.save()
    client.force_login(member)
    for given in (value, str(merged.pk)):
        response = client.get(DIRECTORY, {"organisatie": given, "provincie": "XX"})
        assert response.status_code == 200
        assert "Deze organisatie kennen we niet (meer)." in text(one(response, "main form"))
        assert names_on(response) == []


def test_pages_of_24_and_filters_kept_in_page_links(client, member):
    for n in range(30):
        full(f"Inwoner {n:02d}", place=DEVENTER)
    client.force_login(member)
    query = _query("?organisatie={GM0150}")
    first = client.get(DIRECTORY + query)
    assert len(first.context["page"].object_list) == 24
    html = first.content.decode()
    assert "Pagina 1 van 2" in html
    assert hrefs(first, ".pagination a") == [f"{query}&pagina=2"]
    second = client.get(DIRECTORY + query + "&pagina=2")
    assert len(second.context["page"].object_list) == 6


@pytest.mark.parametrize("page", ["999", "nul", "-1"])
def test_bad_page_numbers_fall_back_to_a_real_page(client, member, page):
    for n in range(30):
        full(f"Inwoner {n:02d}")
    client.force_login(member)
    response = client.get(f"{DIRECTORY}?pagina={page}")
    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)


def test_members_are_in_number_order(client, member):
    late = full("Laat")
    early = MembershipFactory(number=0 + 1000)
    ProfileFactory(membership=early, display_name="Vroeg")
    Membership.objects.filter(pk=late.membership.pk).update(number=2000)
    client.force_login(member)
    numbers = [m.number for m in client.get(DIRECTORY).context["page"].object_list]
    assert numbers == sorted(numbers)


def test_query_count_does_not_grow_with_members(client, member, django_assert_max_num_queries):
    def add(count):
        for n in range(count):
            profile = full(f"Lid {n}", place=(ZWOLLE, DEVENTER, UTRECHT)[n % 3])
            profile.thumbnail = "profiles/x-thumb.jpg"
            profile.save()
            MembershipFactory()  # no profile at all

    add(5)
    client.force_login(member)
    client.get(DIRECTORY)
    query = _query("?role=resident&provincie=OV&organisatie={GM0193}")
    with django_assert_max_num_queries(12) as small:
        client.get(DIRECTORY + query)
    add(55)
    with django_assert_max_num_queries(12) as large:
        client.get(DIRECTORY + query)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_staff_without_a_copy_see_the_wall(client):
    full("Anouk")
    client.force_login(UserFactory(is_staff=True))
    assert "Anouk" in client.get(DIRECTORY).content.decode()


def test_directory_in_english(client, member):
    full("Anouk", role=Role.ENTREPRENEUR)
    client.force_login(member)
    html = client.get("/en/members/").content.decode()
    assert "Entrepreneur" in html
