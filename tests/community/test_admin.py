"""The admin: in Dutch throughout, and every input it shows has a name."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.factories import MembershipFactory, ProfileFactory

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


def test_admin_is_dutch_also_where_djangos_dutch_catalogue_has_gaps(admin_client):
    """Django 6.1's Dutch admin catalogue lacks a few newer strings; ours fills them.
    The admin lives outside i18n_patterns, so it is in the site's language whatever the
    browser asks for."""
    MembershipFactory.create_batch(2)
    response = admin_client.get(
        reverse("admin:members_membership_changelist"), headers={"accept-language": "en"}
    )
    assert response["Content-Language"] == "nl"
    assertContains(
        response, '<span id="date-hierarchy-label">Filteren op lid sinds</span>', html=True
    )
    assertContains(
        response,
        '<h2 id="changelist-search-form" class="visually-hidden">Zoeken in lidmaatschappen</h2>',
        html=True,
    )
    assertContains(
        response,
        '<h2 id="pagination" class="visually-hidden">Paginering van lidmaatschappen</h2>',
        html=True,
    )
    text = " ".join(_Page(response.content.decode()).texts)
    for english in ("Search", "Filter by", "Pagination", "Log out", "Logout", "Add "):
        assert english not in text


def test_an_empty_choice_in_the_admin_is_dutch(admin_client):
    profile = ProfileFactory()
    response = admin_client.get(reverse("admin:members_profile_change", args=[profile.pk]))
    assertContains(response, '<option value="" selected>- Kies een optie -</option>', html=True)


def test_admin_javascript_speaks_dutch_too(admin_client):
    catalogue = admin_client.get("/admin/jsi18n/").content.decode()
    assert '"Vandaag (%(date)s)"' in catalogue
    assert '"Today (%(date)s)": "Vandaag (%(date)s)"' in catalogue.replace("\n", "")


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
