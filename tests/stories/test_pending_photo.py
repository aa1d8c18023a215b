"""A photo chosen on the story form survives the form being shown again (a preview, a
mistake elsewhere in the form): it waits as a pending photo, named in the form by a
token only its owner can use (core.models.PendingPhoto)."""

import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import PendingPhoto
from stories.models import Story
from tests.factories import MembershipFactory, StoryFactory
from tests.stories.test_views import _form_data, _jpeg

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The inputs (name -> value) and images (src, alt) of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.images: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""
        if tag == "img":
            self.images.append((attrs.get("src", ""), attrs.get("alt", "")))


def _form(**overrides):
    return _form_data(**{"photo_alt": "Een houten bankje", "action": "preview", **overrides})


@pytest.fixture
def create_url(chapters):
    return reverse("stories:create", args=[chapters[0].slug])


def _preview(client, url, **data):
    response = client.post(url, _form(**data))
    assert response.status_code == 200
    return response, _Page(response.content.decode())


def test_preview_keeps_the_photo_and_publishing_posts_it(member_client, member, create_url, commit):
    response, page = _preview(member_client, create_url, photo=_jpeg())
    pending = PendingPhoto.objects.get()
    assert pending.owner == member and not Story.objects.exists()
    assert page.inputs["pending_photo"] == pending.token
    # The preview shows the photo with its description, and the owner can load it.
    assert (pending.image.url, "Een houten bankje") in page.images
    assert member_client.get(pending.image.url).status_code == 200

    data = {**page.inputs, "action": "submit"}
    data["body"] = "We vroegen de gemeente om een **bankje**."
    with commit():
        response = member_client.post(create_url, data)
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.photo.name.startswith("stories/") and story.photo_alt == "Een houten bankje"
    assert (story.photo_width, story.photo_height) == (800, 600)
    assert default_storage.exists(story.photo.name)
    assert default_storage.exists(story.thumbnail.name)
    # The pending photo is used up: its files are gone, and nobody can load it.
    assert PendingPhoto.objects.get().used_at is not None
    assert not default_storage.exists(pending.image.name)
    assert not default_storage.exists(pending.thumbnail.name)
    assert member_client.get(pending.image.url).status_code == 404


def test_the_same_form_sent_twice_makes_one_story_with_the_photo(member_client, create_url, commit):
    _response, page = _preview(member_client, create_url, photo=_jpeg())
    data = {**page.inputs, "body": "Tekst", "action": "submit"}
    with commit():
        first = member_client.post(create_url, data)
    second = member_client.post(create_url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    story = Story.objects.get()
    assert story.photo and default_storage.exists(story.photo.name)


def test_a_second_preview_keeps_the_photo_without_sending_it_again(member_client, create_url):
    _response, page = _preview(member_client, create_url, photo=_jpeg())
    token = page.inputs["pending_photo"]
    _response, again = _preview(member_client, create_url, pending_photo=token, title="Anders")
    assert again.inputs["pending_photo"] == token
    assert PendingPhoto.objects.count() == 1
    assert (PendingPhoto.objects.get().image.url, "Een houten bankje") in again.images


def test_a_mistake_elsewhere_keeps_the_photo(member_client, create_url):
    response = member_client.post(create_url, _form(title="", action="submit", photo=_jpeg()))
    assert response.status_code == 200 and not Story.objects.exists()
    page = _Page(response.content.decode())
    assert page.inputs["pending_photo"] == PendingPhoto.objects.get().token


def test_replacing_the_photo_lets_the_first_go(member_client, create_url, commit):
    _response, page = _preview(member_client, create_url, photo=_jpeg())
    first = PendingPhoto.objects.get()
    with commit():
        _response, page = _preview(
            member_client, create_url, pending_photo=first.token, photo=_jpeg()
        )
    second = PendingPhoto.objects.get()
    assert second.pk != first.pk and page.inputs["pending_photo"] == second.token
    assert not default_storage.exists(first.image.name)


def test_removing_the_photo_posts_the_story_without_it(member_client, create_url, commit):
    _response, page = _preview(member_client, create_url, photo=_jpeg())
    pending = PendingPhoto.objects.get()
    with commit():
        _response, page = _preview(
            member_client, create_url, pending_photo=pending.token, **{"photo-clear": "on"}
        )
    assert page.inputs["pending_photo"] == "" and not PendingPhoto.objects.exists()
    assert not default_storage.exists(pending.image.name)
    member_client.post(create_url, {**page.inputs, "body": "Tekst", "action": "submit"})
    assert not Story.objects.get().photo


def test_another_members_token_is_refused(client, member_client, create_url):
    _response, page = _preview(member_client, create_url, photo=_jpeg())
    pending = PendingPhoto.objects.get()

    other = Client()
    other.force_login(MembershipFactory().user)
    response = other.post(create_url, _form(pending_photo=pending.token, action="submit"))
    assert response.status_code == 200 and not Story.objects.exists()
    assert "kunnen we niet meer vinden" in response.context["form"].errors["photo"][0]
    # Nor can anyone else load it.
    assert other.get(pending.image.url).status_code == 404
    assert Client().get(pending.image.url).status_code == 404
    assert PendingPhoto.objects.get() == pending


def test_a_forged_token_is_refused_and_the_rest_is_kept(member_client, create_url):
    response = member_client.post(create_url, _form(pending_photo="../stories/x.jpg"))
    assert "kunnen we niet meer vinden" in response.context["form"].errors["photo"][0]
    assert _Page(response.content.decode()).inputs["title"] == "Een bankje op de hoek"


def test_a_bad_image_is_still_a_clear_error(member_client, create_url):
    bad = SimpleUploadedFile("bank.jpg", b"not a photo", content_type="image/jpeg")
    response = member_client.post(create_url, _form(photo=bad))
    assert response.status_code == 200
    assert "geen foto die we kunnen lezen" in response.context["form"].errors["photo"][0]
    assert not PendingPhoto.objects.exists()


def test_the_edit_form_keeps_a_new_photo_across_the_preview(client, chapters):
    story = StoryFactory(chapter=chapters[0])
    StoryFactory(author=story.author, chapter=chapters[0])  # trusted: edits publish at once
    client.force_login(story.author.user)
    url = reverse("stories:edit", args=[story.pk])
    _response, page = _preview(client, url, photo=_jpeg())
    assert page.inputs["pending_photo"] == PendingPhoto.objects.get().token
    client.post(url, {**page.inputs, "body": "Tekst", "action": "save"})
    story.refresh_from_db()
    assert story.photo.name.startswith("stories/") and story.photo_alt == "Een houten bankje"
    assert PendingPhoto.objects.get().used_at is not None


def test_the_edit_preview_shows_the_storys_own_photo(client, chapters):
    story = StoryFactory(chapter=chapters[0])
    StoryFactory(author=story.author, chapter=chapters[0])  # trusted: edits publish at once
    client.force_login(story.author.user)
    url = reverse("stories:edit", args=[story.pk])
    client.post(url, _form(photo=_jpeg(), action="save"))
    story.refresh_from_db()
    _response, page = _preview(client, url, photo_alt="Het bankje")
    assert (story.photo.url, "Het bankje") in page.images


def test_prune_removes_only_photos_older_than_a_day(member_client, create_url, commit):
    for _ in range(3):
        _preview(member_client, create_url, photo=_jpeg())
    old, used, fresh = PendingPhoto.objects.order_by("pk")
    PendingPhoto.objects.filter(pk__in=[old.pk, used.pk]).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    PendingPhoto.objects.filter(pk=used.pk).update(used_at=timezone.now())
    PendingPhoto.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(hours=23))
    out = io.StringIO()
    with commit():
        call_command("prune_pending_photos", stdout=out)
    assert list(PendingPhoto.objects.all()) == [fresh]
    assert "2 pending photo" in out.getvalue()
    assert not default_storage.exists(old.image.name)
    assert not default_storage.exists(old.thumbnail.name)
    assert default_storage.exists(fresh.image.name)
