import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from members import services
from members.models import Membership, Role, Visibility
from tests.factories import MembershipFactory, ProfileFactory, UserFactory
from tests.markup import attributes, hrefs, links, select, text

pytestmark = pytest.mark.django_db

DIRECTORY = "/leden/"


def full(name, role=Role.RESIDENT, municipality="Gemeente Wilgendaal", **kwargs):
    return ProfileFactory(
        display_name=name,
        role=role,
        municipality=municipality,
        visibility=Visibility.FULL,
        **kwargs,
    )


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

    assert reverse("members:directory") == DIRECTORY
    with translation.override("en"):
        assert reverse("members:directory") == "/en/members/"


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
    assert "Anouk" in html and "Ik tuinier graag." in html and "Gemeente Wilgendaal" in html
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
        municipality="",
        role="",
        bio="",
        visibility=Visibility.FULL,
        photo=services_photo(),
    )
    only_name = ProfileFactory(display_name="Alleen naam")
    services.profile_update(
        membership=only_name.membership,
        display_name="Alleen naam",
        municipality="",
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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?role=government", ["Joost"]),
        ("?municipality=Gemeente+Bremhorst", ["Fatima", "Joost"]),
        ("?role=entrepreneur&municipality=Gemeente+Bremhorst", ["Fatima"]),
        ("?role=resident&municipality=Gemeente+Bremhorst", []),
    ],
)
def test_filters_by_role_and_municipality_match_full_profiles_only(client, member, query, expected):
    full("Anouk", Role.RESIDENT, "Gemeente Wilgendaal")
    full("Joost", Role.GOVERNMENT, "Gemeente Bremhorst")
    full("Fatima", Role.ENTREPRENEUR, "Gemeente Bremhorst")
    # Same role and place, but shows only a name: filters must not reveal them.
    ProfileFactory(
        display_name="Stil",
        role=Role.GOVERNMENT,
        municipality="Gemeente Bremhorst",
        visibility=Visibility.NAME,
    )
    client.force_login(member)
    response = client.get(DIRECTORY + query)
    assert sorted(names_on(response)) == expected
    html = response.content.decode()
    assert "Filteren op rol of gemeente toont alleen leden met een volledig profiel." in html
    if not expected:
        assert "Geen leden gevonden met deze filters." in html


def test_municipality_choices_come_only_from_full_profiles(client, member):
    full("Anouk", municipality="Gemeente Wilgendaal")
    ProfileFactory(municipality="Gemeente Geheim", visibility=Visibility.NAME)
    client.force_login(member)
    response = client.get(DIRECTORY)
    assert "Gemeente Wilgendaal" in attributes(
        response, 'select[name="municipality"] option', "value"
    )
    assert "Gemeente Geheim" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?role=koning", "Selecteer een geldige keuze. koning is geen beschikbare keuze."),
        (
            "?municipality=Gemeente+Geheim",
            "Selecteer een geldige keuze. Gemeente Geheim is geen beschikbare keuze.",
        ),
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(client, member, query, message):
    full("Anouk")
    ProfileFactory(municipality="Gemeente Geheim", visibility=Visibility.NAME, display_name="Stil")
    client.force_login(member)
    response = client.get(DIRECTORY + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Anouk" in html and "Stil" in html
    assert ("Alle leden tonen", "/leden/") in links(response, "main a")


def test_pages_of_24_and_filters_kept_in_page_links(client, member):
    for n in range(30):
        full(f"Inwoner {n:02d}", municipality="Gemeente Lindeveen")
    client.force_login(member)
    first = client.get(DIRECTORY + "?municipality=Gemeente+Lindeveen")
    assert len(first.context["page"].object_list) == 24
    html = first.content.decode()
    assert "Pagina 1 van 2" in html
    assert hrefs(first, ".pagination a") == ["?municipality=Gemeente+Lindeveen&pagina=2"]
    second = client.get(DIRECTORY + "?municipality=Gemeente+Lindeveen&pagina=2")
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
            profile = full(f"Lid {n}", municipality=f"Gemeente {n % 7}")
            profile.thumbnail = "profiles/x-thumb.jpg"
            profile.save()
            MembershipFactory()  # no profile at all

    add(5)
    client.force_login(member)
    client.get(DIRECTORY)
    with django_assert_max_num_queries(10) as small:
        client.get(DIRECTORY + "?role=resident")
    add(55)
    with django_assert_max_num_queries(10) as large:
        client.get(DIRECTORY + "?role=resident")
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
