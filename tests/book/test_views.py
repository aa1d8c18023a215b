import pytest
from django.urls import reverse

from book.models import Access
from tests.factories import ChapterFactory


@pytest.mark.django_db
def test_home_lists_published_chapters_in_order(client, chapters):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(chapter.title) for chapter in chapters]
    assert positions == sorted(positions)
    assert "Nog niet klaar" not in html


@pytest.mark.django_db
def test_open_chapter_shows_body_and_neighbours(client, chapters):
    response = client.get(chapters[1].get_absolute_url())
    assert response.status_code == 200
    assert response.context["previous"] == chapters[0]
    assert response.context["next"] == chapters[2]
    assert "Eerste alinea van het hoofdstuk." in response.content.decode()


@pytest.mark.django_db
def test_first_and_last_chapter_have_one_neighbour(client, chapters):
    first = client.get(chapters[0].get_absolute_url())
    assert first.context["previous"] is None and first.context["next"] == chapters[1]
    last = client.get(chapters[-1].get_absolute_url(), follow=False)
    assert last.context["previous"] == chapters[-2] and last.context["next"] is None


@pytest.mark.django_db
def test_members_chapter_body_never_reaches_anonymous_readers(client, book):
    chapter = ChapterFactory(book=book, access=Access.MEMBERS, body="Geheime zin voor leden.")
    response = client.get(chapter.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert chapter.title in html and chapter.summary in html
    assert "Geheime zin voor leden." not in html
    assert reverse("account_signup") in html


@pytest.mark.django_db
def test_members_read_members_chapters(member_client, book):
    chapter = ChapterFactory(book=book, access=Access.MEMBERS, body="Geheime zin voor leden.")
    assert (
        "Geheime zin voor leden." in member_client.get(chapter.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db
def test_logged_in_non_member_does_not_read_members_chapter(client, user, book):
    chapter = ChapterFactory(book=book, access=Access.MEMBERS, body="Geheime zin voor leden.")
    client.force_login(user)
    assert "Geheime zin voor leden." not in client.get(chapter.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_unpublished_chapter_is_404_for_readers_and_members(client, member, book):
    draft = ChapterFactory(book=book, is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_staff_preview_unpublished_chapter(client, staff, book):
    draft = ChapterFactory(book=book, is_published=False, body="Concepttekst.")
    client.force_login(staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Concepttekst." in response.content.decode()


@pytest.mark.django_db
def test_unknown_chapter_is_404_in_site_style(client, chapters):
    response = client.get("/hoofdstuk/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()
