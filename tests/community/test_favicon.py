import io

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from PIL import Image

from tests.markup import select


def _icon_links(html: str) -> dict:
    return {
        (link.get("rel"), link.get("type", "")): link.get("href")
        for link in select(html, 'link[rel*="icon"]')
    }


def test_favicon_ico_is_answered_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]


@pytest.mark.django_db
def test_pages_link_the_svg_icon_and_its_bitmap_fallbacks_from_the_static_files(client, book):
    links = _icon_links(client.get(reverse("home")).content.decode())
    assert links == {
        ("icon", ""): staticfiles_storage.url("img/favicon.ico"),
        ("icon", "image/svg+xml"): staticfiles_storage.url("img/favicon.svg"),
        ("apple-touch-icon", ""): staticfiles_storage.url("img/apple-touch-icon.png"),
    }
    for href in links.values():
        response = client.get(href)
        assert response.status_code == 200, href
        b"".join(response.streaming_content)
    touch = Image.open(staticfiles_storage.open("img/apple-touch-icon.png"))
    assert touch.size == (180, 180)
