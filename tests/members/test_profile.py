import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.images import MAX_SIDE, THUMBNAIL_SIDE
from members import services
from members.adapters import user_display
from members.models import Profile, Role, Visibility, membership_display_name
from organisations.models import Organisation
from tests.factories import AffiliationFactory, MembershipFactory, ProfileFactory
from tests.markup import attributes, hrefs, links, one, select, text, texts

pytestmark = pytest.mark.django_db

PROFILE = "/mijn-exemplaar/profiel/"
TOO_BIG = "Deze foto is te groot (meer dan 10 MB). Kies een kleinere foto."
NOT_A_PHOTO = "Dit bestand is geen foto die we kunnen lezen. Kies een JPEG-, PNG- of WebP-bestand."
TOO_MANY_PIXELS = (
    "Deze foto heeft te veel pixels: hoogstens 40 megapixel kan. Kies een kleinere foto."
)


def upload(image: Image.Image, fmt="JPEG", name="foto.jpg", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMerk"
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0)}
    return exif


def form_data(**overrides):
    return {
        "display_name": "Anouk",
        "role": Role.RESIDENT,
        "bio": "Ik tuinier.",
        "visibility": Visibility.FULL,
        **overrides,
    }


def test_profile_url_is_dutch_with_an_english_twin():
    from django.utils import translation

    assert reverse("members:profile") == PROFILE
    with translation.override("en"):
        assert reverse("members:profile") == "/en/my-copy/profile/"


def test_profile_page_needs_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_sends_non_members_to_claim(client, user):
    client.force_login(user)
    response = client.get(PROFILE, follow=True)
    assert response.redirect_chain == [("/exemplaar/", 302)]
    assert "Je hebt nog geen exemplaar. Claim er hier een." in response.content.decode()


def test_profile_page_shows_the_defaults(member_client, member):
    response = member_client.get(PROFILE)
    html = response.content.decode()
    assert "Mijn profiel" in html
    assert one(response, "main form").get("enctype") == "multipart/form-data"
    for label in ["Inwoner", "Ondernemer", "Overheid", "Maatschappelijke organisatie", "Anders"]:
        assert label in html
    assert attributes(response, 'input[name="visibility"][checked]', "value") == ["name"]
    # Looking made nothing; saving makes the profile.
    assert not Profile.objects.filter(membership__user=member).exists()


def test_profile_is_saved_with_a_photo_reencoded_and_stripped(member_client, member):
    source = Image.new("RGB", (1600, 1000), (200, 80, 40))
    data = form_data(photo=upload(source, exif=gps_exif()))
    response = member_client.post(PROFILE, data, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Je profiel is bewaard." in response.content.decode()
    profile = Profile.objects.get(membership__user=member)
    assert (profile.display_name, profile.role, profile.bio) == (
        "Anouk",
        Role.RESIDENT,
        "Ik tuinier.",
    )
    assert profile.visibility == Visibility.FULL
    with profile.photo.open() as stored:
        photo = Image.open(stored)
        photo.load()
    assert photo.format == "JPEG" and max(photo.size) == MAX_SIDE
    assert not photo.getexif()
    with profile.thumbnail.open() as stored:
        assert Image.open(stored).size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE)


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("GIF", "P"), ("WEBP", "RGB")])
def test_common_formats_are_accepted(member_client, member, fmt, mode):
    photo = upload(Image.new(mode, (300, 200)), fmt, name=f"foto.{fmt.lower()}")
    member_client.post(PROFILE, form_data(photo=photo))
    profile = Profile.objects.get(membership__user=member)
    assert profile.photo.name.endswith(".jpg") and profile.thumbnail.name.endswith("-thumb.jpg")


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (SimpleUploadedFile("foto.jpg", b"dit is geen foto"), NOT_A_PHOTO),
        (SimpleUploadedFile("foto.svg", b"<svg onload='alert(1)'/>"), NOT_A_PHOTO),
        (
            SimpleUploadedFile("groot.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024)),
            TOO_BIG,
        ),
        (
            upload(Image.new("1", (20_000, 20_000)), "PNG", name="bom.png", optimize=True),
            TOO_MANY_PIXELS,
        ),
    ],
    ids=["not-an-image", "svg", "over-10-mb", "decompression-bomb"],
)
def test_bad_photos_are_refused_and_the_rest_of_the_input_is_kept(
    member_client, member, photo, message
):
    data = form_data(display_name="Fatima", bio="Mijn eigen woorden.", photo=photo)
    response = member_client.post(PROFILE, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "wat je al had ingevuld, staat er nog" in html
    assert one(response, 'input[name="display_name"]').get("value") == "Fatima"
    assert text(one(response, 'textarea[name="bio"]')) == "Mijn eigen woorden."
    assert one(response, '[name="role"] option[selected]').get("value") == Role.RESIDENT
    profile = Profile.objects.get(membership__user=member)
    assert profile.display_name == "" and not profile.photo


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bio": "x" * 501}, "bio", "niet meer dan 500 tekens"),
        ({"display_name": "x" * 81}, "display_name", "niet meer dan 80 tekens"),
        ({"role": "koning"}, "role", "Selecteer een geldige keuze"),
        ({"visibility": "iedereen"}, "visibility", "Selecteer een geldige keuze"),
        ({"visibility": ""}, "visibility", "Dit veld is verplicht"),
    ],
)
def test_bad_input_is_refused_with_a_message(member_client, member, overrides, field, message):
    response = member_client.post(PROFILE, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert message in response.content.decode()
    assert not Profile.objects.filter(membership__user=member, display_name="Anouk").exists()


def test_a_new_photo_replaces_the_old_and_its_files_are_deleted(
    member_client, member, django_capture_on_commit_callbacks
):
    member_client.post(PROFILE, form_data(photo=upload(Image.new("RGB", (50, 50)))))
    old = Profile.objects.get(membership__user=member)
    storage = old.photo.storage
    old_names = [old.photo.name, old.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE, form_data(photo=upload(Image.new("RGB", (60, 60)))))
    new = Profile.objects.get(pk=old.pk)
    assert new.photo.name not in old_names
    assert not any(storage.exists(name) for name in old_names)
    assert storage.exists(new.photo.name)


def test_remove_photo_deletes_it(member_client, member, django_capture_on_commit_callbacks):
    member_client.post(PROFILE, form_data(photo=upload(Image.new("RGB", (50, 50)))))
    profile = Profile.objects.get(membership__user=member)
    names = [profile.photo.name, profile.thumbnail.name]
    html = member_client.get(PROFILE).content.decode()
    assert profile.thumbnail.url in html and "Mijn foto verwijderen" in html

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(PROFILE, form_data(remove_photo="on"))
    profile.refresh_from_db()
    assert not profile.photo and not profile.thumbnail
    assert not any(profile.photo.storage.exists(name) for name in names)


def test_saving_without_a_new_photo_keeps_the_old_one(member_client, member):
    member_client.post(PROFILE, form_data(photo=upload(Image.new("RGB", (50, 50)))))
    photo = Profile.objects.get(membership__user=member).photo.name
    member_client.post(PROFILE, form_data(display_name="Anouk V."))
    profile = Profile.objects.get(membership__user=member)
    assert profile.photo.name == photo and profile.display_name == "Anouk V."


def test_whitespace_is_trimmed(member_client, member):
    member_client.post(PROFILE, form_data(display_name="  Anouk  "))
    assert Profile.objects.get(membership__user=member).display_name == "Anouk"


def test_the_municipality_is_chosen_from_the_list_not_typed(member_client, member, municipalities):
    """The old free-text field is gone from the form: a posted one is ignored, and the
    form shows the organisations chosen on "Mijn organisaties", with the way there."""
    ProfileFactory(membership=member.membership, municipality="Oude tekst")
    zwolle = Organisation.objects.get(cbs_code="GM0193")
    AffiliationFactory(membership=member.membership, organisation=zwolle, relation="works")
    member_client.post(PROFILE, form_data(municipality="Wilgendaal"))
    assert Profile.objects.get(membership__user=member).municipality == "Oude tekst"
    response = member_client.get(PROFILE)
    assert not select(response, '[name="municipality"]')
    assert texts(response, ".profile-organisations li") == ["Werkt bij Zwolle"]
    assert reverse("organisations:mine") in hrefs(response, ".profile-organisations a")


def test_profile_update_refuses_a_long_bio_whoever_calls_it():
    membership = MembershipFactory()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.profile_update(
            membership=membership,
            display_name="",
            role="",
            bio="x" * 501,
            visibility=Visibility.NAME,
        )


def test_profile_ensure_makes_one_profile_with_defaults():
    membership = MembershipFactory()
    first = services.profile_ensure(membership=membership)
    assert services.profile_ensure(membership=membership) == first
    assert first.visibility == Visibility.NAME and len(first.card_token) >= 20


def test_display_name_falls_back_to_the_number():
    membership = MembershipFactory(number=7)
    assert membership_display_name(membership) == "Lid nr. 7"
    ProfileFactory(membership=membership, display_name="Joost")
    membership.refresh_from_db()
    assert membership_display_name(membership) == "Joost"


def test_user_display_is_the_profile_name_or_the_email(user):
    assert user_display(user) == user.email
    membership = MembershipFactory(user=user)
    user.refresh_from_db()
    assert user_display(user) == user.email
    ProfileFactory(membership=membership, display_name="Sanne")
    user.refresh_from_db()
    assert user_display(user) == "Sanne"


def test_header_links_members_to_their_copy_and_others_to_claiming(client, user, member):
    def header():
        return links(client.get("/"), "header a")

    assert ("Claim je exemplaar", "/exemplaar/") in header()
    client.force_login(user)
    assert ("Claim je exemplaar", "/exemplaar/") in header()
    client.force_login(member)
    assert ("Mijn exemplaar", "/mijn-exemplaar/") in header()
    assert "Claim je exemplaar" not in [words for words, _href in header()]


def test_my_copy_page_links_profile_card_directory_and_data(member_client):
    shown = hrefs(member_client.get("/mijn-exemplaar/"), "main a")
    for path in [
        "/mijn-exemplaar/profiel/",
        "/mijn-exemplaar/kaart/",
        "/leden/",
        "/mijn-gegevens/",
    ]:
        assert path in shown


def test_curators_read_and_correct_profiles_in_the_admin(client):
    from tests.factories import UserFactory

    profile = ProfileFactory(display_name="Ongepast", bio="Iets wat weg moet.")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "Ongepast" in client.get("/admin/members/profile/").content.decode()
    url = f"/admin/members/profile/{profile.pk}/change/"
    assert "Iets wat weg moet." in client.get(url).content.decode()
    response = client.post(url, {"display_name": "", "role": "", "bio": "", "visibility": "hidden"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.display_name, profile.bio, profile.visibility) == ("", "", "hidden")
    assert client.get("/admin/members/profile/add/").status_code == 403


def test_welcome_page_invites_the_new_member_to_fill_in_a_profile(member_client):
    response = member_client.get("/exemplaar/welkom/")
    assert ("Vul je profiel in", "/mijn-exemplaar/profiel/") in links(response, "main a")
