"""The admin: every input it shows has a name."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The text a person can see or hear on a page, and its form controls."""

    SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.controls = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style"}:
            self._skip += 1
        self.texts += [value for name, value in attrs.items() if name in self.SPOKEN_ATTRIBUTES]
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.texts.append(attrs.get("value", ""))
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append(attrs)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser(
            username="beheer", email="beheer@example.org", password="x"
        )
    )
    return client


def test_editable_columns_of_the_chapter_list_are_labelled_by_column_and_row(
    admin_client, chapters
):
    response = admin_client.get(reverse("admin:book_chapter_changelist"))
    controls = [
        control
        for control in _Page(response.content.decode()).controls
        if control.get("name", "").startswith("form-")
    ]
    assert len(controls) == 3 * len(chapters) + 3  # number, access, published; the draft too
    for control in controls:
        assert control.get("aria-label"), control
    first = chapters[0]
    labels = {control["aria-label"] for control in controls}
    assert {f"Volgorde: {first}", f"Toegang: {first}", f"Gepubliceerd: {first}"} <= labels


def test_file_inputs_of_the_admin_are_labelled(admin_client, chapters):
    response = admin_client.get(reverse("admin:book_chapter_change", args=[chapters[0].pk]))
    (file_input,) = [
        control
        for control in _Page(response.content.decode()).controls
        if control.get("type") == "file"
    ]
    assert file_input["aria-label"] == "Illustratie"
    response = admin_client.get(reverse("admin:book_book_change", args=[chapters[0].book_id]))
    (file_input,) = [
        control
        for control in _Page(response.content.decode()).controls
        if control.get("type") == "file"
    ]
    assert file_input["aria-label"] == "Omslag"
