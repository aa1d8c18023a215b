"""Photos through the real forms (profile photo, story photo), with what people and
attackers send: other file types, a JPEG with a web page appended, an SVG with script,
a decompression bomb, a file over the limit, a photo with its GPS position. Whatever
arrives, what is stored is a fresh JPEG of pixels only. And how much: no more pixels than
the limit, and no more uploads an hour than PHOTO_UPLOADS allows an account."""

import io
import mimetypes
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertInHTML

from members.models import Profile
from members.ratelimit import PHOTO_UPLOADS
from stories.models import Story
from tests.factories import MembershipFactory
from tests.markup import select

from .conftest import jpeg_bytes, jpeg_upload

pytestmark = pytest.mark.django_db

TITLE = "Mijn titel blijft staan"
DISPLAY_NAME = "Naam die blijft staan"


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "CameraMerk"
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}
    return exif


def _png(image: Image.Image, **save) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **save)
    return buffer.getvalue()


BAD_FILES = {
    "pdf": ("stuk.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "application/pdf"),
    "text": ("foto.jpg", b"Dit is geen foto, alleen tekst.\n", "image/jpeg"),
    "html": ("foto.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    "svg": (
        "foto.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(1)</script></svg>",
        "image/svg+xml",
    ),
    "svg as png": (
        "foto.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/png",
    ),
    "bomb": (
        "bom.png",
        _png(Image.new("1", (20_000, 20_000)), optimize=True),
        "image/png",
    ),
    "truncated jpeg": ("half.jpg", jpeg_bytes(size=(400, 300))[:300], "image/jpeg"),
}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _profile_post(client, upload):
    return client.post(
        reverse("members:profile"),
        {
            "display_name": DISPLAY_NAME,
            "municipality": "",
            "role": "",
            "bio": "",
            "visibility": "name",
            "photo": upload,
        },
    )


def _story_post(client, chapter, upload, alt="Een bankje"):
    return client.post(
        reverse("stories:create", args=[chapter.slug]),
        {
            "title": TITLE,
            "body": "Het verhaal zelf.",
            "municipality": "",
            "photo": upload,
            "photo_alt": alt,
            "submission_key": str(uuid.uuid4()),
            "action": "submit",
        },
    )


@pytest.fixture
def writer(make_client, member):
    return make_client(member)


def _post(kind, client, chapters, upload):
    if kind == "profile":
        return _profile_post(client, upload)
    return _story_post(client, chapters[0], upload)


@pytest.mark.parametrize("kind", ["profile", "story"])
@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_files_that_are_not_photos_are_refused_with_the_form_again(writer, chapters, kind, bad):
    name, content, content_type = BAD_FILES[bad]
    response = _post(kind, writer, chapters, SimpleUploadedFile(name, content, content_type))
    assert response.status_code == 200
    html = response.content.decode()
    (photo,) = select(response, 'input[type="file"]')
    assert photo.get("aria-invalid") == "true" and "foto" in html.lower()
    if bad == "bomb":
        assert "te veel pixels" in html
    # What was typed stays, nothing was saved.
    assert (TITLE if kind == "story" else DISPLAY_NAME) in html
    assert not Story.objects.exists()
    assert not Profile.objects.exclude(photo="").exists()
    assert _media_files() == []


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_a_file_over_ten_megabytes_gets_a_clear_message_and_keeps_the_rest(writer, chapters, kind):
    big = SimpleUploadedFile(
        "groot.jpg", b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024 + 10), "image/jpeg"
    )
    response = _post(kind, writer, chapters, big)
    assert response.status_code == 200
    html = response.content.decode()
    assert "te groot (meer dan 10 MB)" in html
    assert (TITLE if kind == "story" else DISPLAY_NAME) in html
    if kind == "story":
        assert "Het verhaal zelf." in html and "Een bankje" in html
    assert _media_files() == []


def _stored(kind, member) -> list[Path]:
    if kind == "profile":
        profile = Profile.objects.get(membership__user=member)
        fields = [profile.photo, profile.thumbnail]
    else:
        story = Story.objects.get()
        fields = [story.photo, story.thumbnail]
    assert all(fields), "the photo was not stored"
    return [Path(field.path) for field in fields]


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_a_polyglot_jpeg_is_stored_as_pixels_only(writer, member, chapters, kind):
    payload = b"<html><body><script>alert(document.cookie)</script></body></html>"
    polyglot = jpeg_bytes(size=(300, 200)) + payload
    response = _post(kind, writer, chapters, SimpleUploadedFile("foto.html", polyglot, "text/html"))
    assert response.status_code == 302, response.content[:2000]
    for path in _stored(kind, member):
        data = path.read_bytes()
        assert b"<script" not in data and b"<html" not in data
        assert path.suffix == ".jpg"
        assert Image.open(path).format == "JPEG"
        # Named .jpg whatever it was called: served as image/jpeg (with nosniff).
        assert mimetypes.guess_type(path.name)[0] == "image/jpeg"


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_stored_photos_keep_no_exif_and_no_gps(writer, member, chapters, kind):
    upload = SimpleUploadedFile(
        "vakantie.jpg", jpeg_bytes(size=(640, 480), exif=_gps_exif()), "image/jpeg"
    )
    assert Image.open(upload).getexif().get_ifd(0x8825)  # the source has a position
    upload.seek(0)
    response = _post(kind, writer, chapters, upload)
    assert response.status_code == 302
    for path in _stored(kind, member):
        with Image.open(path) as stored:
            assert not stored.getexif()
            assert "exif" not in stored.info and "icc_profile" not in stored.info
        assert b"CameraMerk" not in path.read_bytes()


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_the_uploaded_file_name_is_not_used(writer, member, chapters, kind):
    upload = SimpleUploadedFile("../../../etc/evil.php.jpg", jpeg_bytes(), "image/jpeg")
    assert _post(kind, writer, chapters, upload).status_code == 302
    media = Path(settings.MEDIA_ROOT).resolve()
    for path in _stored(kind, member):
        assert "evil" not in path.name and path.resolve().is_relative_to(media)


# ---- The pixel limit and the upload limit, through the real forms ----------------------


def _form_errors(response, field) -> list:
    return response.context["form"].errors.as_data().get(field, [])


def _typed_text(response, kind) -> str:
    return response.context["form"]["title" if kind == "story" else "display_name"].value()


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_an_image_over_the_pixel_limit_is_refused_with_the_form_error(writer, chapters, kind):
    # The image of the issue: 6 KB of PNG claiming 7000 x 7000 pixels, which took
    # 440 MB to process; now refused from its header, before a pixel is decoded.
    content = _png(Image.new("1", (7000, 7000)), optimize=True)
    assert len(content) < 10_000
    response = _post(kind, writer, chapters, SimpleUploadedFile("bom.png", content, "image/png"))

    assert response.status_code == 200
    assert [error.code for error in _form_errors(response, "photo")] == ["pixels"]
    assertInHTML(
        '<ul class="errorlist" id="id_photo_error"><li>Deze foto heeft te veel pixels: '
        "hoogstens 40 megapixel kan. Kies een kleinere foto.</li></ul>",
        response.content.decode(),
    )
    assert _typed_text(response, kind) == (TITLE if kind == "story" else DISPLAY_NAME)
    assert not Story.objects.exists()
    assert not Profile.objects.exclude(photo="").exists()
    assert _media_files() == []


@pytest.mark.parametrize("kind", ["profile", "story"])
def test_photo_uploads_are_limited_per_account_with_the_form_error(
    writer, member, make_client, chapters, kind
):
    for _ in range(PHOTO_UPLOADS.attempts):
        assert _profile_post(writer, jpeg_upload()).status_code == 302
    stored = sorted(_media_files())

    response = _post(kind, writer, chapters, jpeg_upload())

    # Story photos and profile photos count together; the next one is refused, and
    # nothing of the post is saved, while what was typed stays in the form.
    assert response.status_code == 429
    assert [error.code for error in _form_errors(response, "photo")] == ["rate_limited"]
    assertInHTML(
        '<ul class="errorlist" id="id_photo_error"><li>Je hebt het afgelopen uur al 20 '
        "foto's geüpload; meer kan er niet bij. Probeer het later nog eens.</li></ul>",
        response.content.decode(),
    )
    assert _typed_text(response, kind) == (TITLE if kind == "story" else DISPLAY_NAME)
    assert not Story.objects.exists()
    assert sorted(_media_files()) == stored
    # Another member's uploads are their own.
    other = make_client(MembershipFactory().user)
    assert _post(kind, other, chapters, jpeg_upload()).status_code == 302


def test_a_refused_oversized_file_does_not_count_against_the_upload_limit(writer):
    big = b"\xff\xd8\xff\xe0" + b"0" * (10 * 1024 * 1024 + 10)
    for _ in range(PHOTO_UPLOADS.attempts):
        _profile_post(writer, SimpleUploadedFile("groot.jpg", big, "image/jpeg"))
    assert _profile_post(writer, jpeg_upload()).status_code == 302
