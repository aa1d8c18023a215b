import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from book.models import Access, ReadingPosition
from tests.book.test_markdown import XSS_PAYLOADS
from tests.caching import clear_caches
from tests.factories import ChapterFactory
from tests.inert import assert_inert
from tests.markup import hrefs, inner_html, one, select, text


def continue_reading(response) -> list[str]:
    """Where the home page's "Verder lezen" leads."""
    return hrefs(response, ".continue-reading a")


def meta_description(html: str) -> str:
    """The content of the page's <meta name="description">, unescaped."""
    return one(html, 'meta[name="description"]').get("content")


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
    claim, log_in = hrefs(response, ".members-only a.button")
    assert claim == reverse("members:claim")
    assert log_in == f"{reverse('account_login')}?next={chapter.get_absolute_url()}"


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


@pytest.mark.django_db
def test_chapter_page_query_count_does_not_grow_with_chapters(
    client, member, book, django_assert_max_num_queries
):
    client.force_login(member)
    few = [ChapterFactory(book=book, number=n) for n in range(1, 4)]
    client.get(few[1].get_absolute_url())  # the reading position now exists
    clear_caches()  # the page rendered, not the shared copy (tests/book/test_page_cache.py)
    with django_assert_max_num_queries(12) as small:
        client.get(few[1].get_absolute_url())
    for n in range(4, 40):
        ChapterFactory(book=book, number=n)
    clear_caches()
    with django_assert_max_num_queries(12) as large:
        client.get(few[1].get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_home_query_count_is_constant(client, member, book, session_queries):
    # Rendered for a member (anonymous readers share a cached page: test_page_cache.py).
    # The public counts are cached for a minute: count a page with them in the cache.
    client.force_login(member)
    counted = []
    for total in (3, 30):
        for n in range(len(counted) * 3 + 1, total + 1):
            ChapterFactory(book=book, number=n)
        assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counted.append(len(queries))
    # The book, the session, the user with their membership, the chapters (their story
    # counts come from the cache), the reading position, the current edition, the next
    # meetings.
    assert counted == [6 + session_queries] * 2


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_chapter_page_renders_markdown_payloads_inert(client, book, payload):
    chapter = ChapterFactory(book=book, body=f"Alinea.\n\n{payload}\n\n## Kop {payload}")
    response = client.get(chapter.get_absolute_url())
    body = one(response, ".prose.chapter__body")
    assert_inert(inner_html(body))


@pytest.mark.django_db
def test_chapter_title_and_summary_are_escaped(client, book):
    chapter = ChapterFactory(book=book, title="<script>alert(1)</script>", summary="<b>x</b>")
    response = client.get(chapter.get_absolute_url())
    assert text(one(response, "h1.chapter__title")) == "<script>alert(1)</script>"
    assert text(one(response, ".chapter__summary")) == "<b>x</b>"
    assert not select(response, "script:not([src]), .chapter__summary b")


@pytest.mark.django_db
def test_chapter_description_is_its_summary(client, chapters):
    html = client.get(chapters[0].get_absolute_url()).content.decode()
    assert meta_description(html) == "Waar dit hoofdstuk over gaat."


@pytest.mark.django_db
def test_open_chapter_without_summary_is_described_by_its_text_not_its_markdown(client, book):
    chapter = ChapterFactory(
        book=book,
        summary="",
        body="## Begin\n\nWat we **samen** deden & [leerden](https://example.org).\n\n"
        + "Een lange alinea. " * 20,
    )
    description = meta_description(client.get(chapter.get_absolute_url()).content.decode())
    assert description.startswith("Begin Wat we samen deden & leerden. Een lange alinea.")
    assert description.endswith("alinea…") and len(description) <= 200
    assert not set("*#[]<>") & set(description)


@pytest.mark.django_db
def test_members_chapter_without_summary_keeps_its_text_out_of_the_description(client, book):
    chapter = ChapterFactory(book=book, summary="", access=Access.MEMBERS, body="Geheim.")
    description = meta_description(client.get(chapter.get_absolute_url()).content.decode())
    assert description == book.title


@pytest.mark.django_db
def test_language_switch_to_english_keeps_the_page(client, chapters):
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": chapters[0].get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/chapter/{chapters[0].slug}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert one(page, "html").get("lang") == "en"


@pytest.mark.django_db
def test_dutch_is_the_default_language(client, chapters):
    response = client.get("/", headers={"accept-language": "en"})
    assert one(response, "html").get("lang") == "nl"
    assert client.get(f"/en/chapter/{chapters[0].slug}/").status_code == 200


@pytest.mark.django_db
def test_colophon_page(client, book):
    response = client.get(reverse("book:colophon"))
    assert response.status_code == 200
    assert "Geschreven door de gemeenschap." in response.content.decode()


@pytest.mark.django_db
def test_home_without_a_book_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Het boek wordt nog klaargezet" in response.content.decode()


@pytest.mark.django_db
def test_reading_pages_refuse_post(client, chapters):
    assert client.post(chapters[0].get_absolute_url()).status_code == 405


@pytest.mark.django_db
def test_opening_a_chapter_writes_nothing_its_page_posts_the_position(member_client, chapters):
    url = chapters[2].get_absolute_url()
    page = member_client.get(url)
    # A GET changes nothing: a link or an image pointing at a chapter cannot move
    # anyone's "Verder lezen".
    assert not ReadingPosition.objects.exists()
    # The page carries the form its script posts on opening, and a button without it.
    action = reverse("book:reading_position")
    assertContains(
        page, f'<input type="hidden" name="chapter" value="{chapters[2].pk}">', html=True, count=2
    )
    member_client.post(action, {"chapter": chapters[2].pk, "section": ""})
    assert continue_reading(member_client.get("/")) == [chapters[2].get_absolute_url()]


@pytest.mark.django_db
def test_position_within_chapter_is_remembered(member_client, chapters):
    chapter = chapters[2]
    response = member_client.post(
        reverse("book:reading_position"),
        {"chapter": chapter.pk, "section": "verder"},
        headers={"x-requested-with": "fetch"},
    )
    assert response.status_code == 204
    place = f"{chapter.get_absolute_url()}#verder"
    assert continue_reading(member_client.get("/")) == [place]
    # Opening the same chapter again (its page posts no section) keeps the place in it.
    member_client.post(reverse("book:reading_position"), {"chapter": chapter.pk, "section": ""})
    assert continue_reading(member_client.get("/")) == [place]


@pytest.mark.django_db
def test_position_form_without_javascript_redirects_to_the_place(member_client, chapters):
    response = member_client.post(
        reverse("book:reading_position"), {"chapter": chapters[0].pk, "section": "begin"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{chapters[0].get_absolute_url()}#begin"


@pytest.mark.django_db
def test_unknown_section_is_not_stored(member_client, chapters):
    member_client.post(
        reverse("book:reading_position"),
        {"chapter": chapters[0].pk, "section": "<script>"},
        headers={"x-requested-with": "fetch"},
    )
    assert continue_reading(member_client.get("/")) == [chapters[0].get_absolute_url()]


@pytest.mark.django_db
def test_non_member_cannot_store_position_in_members_chapter(client, user, chapters):
    client.force_login(user)
    response = client.post(reverse("book:reading_position"), {"chapter": chapters[3].pk})
    assert response.status_code == 400
    client.get(chapters[3].get_absolute_url())
    assert "Verder lezen" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_anonymous_position_post_goes_to_login(client, chapters):
    response = client.post(reverse("book:reading_position"), {"chapter": chapters[0].pk})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert "Verder lezen" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_reopening_a_chapter_drops_a_section_its_new_text_no_longer_has(member_client, chapters):
    chapter = chapters[2]
    chapter.body = "## Verder\n\nTekst.\n\n## Slot\n\nMeer tekst."
    chapter.save()
    section = chapter.sections[1]["id"]
    member_client.post(
        reverse("book:reading_position"),
        {"chapter": chapter.pk, "section": section},
        headers={"x-requested-with": "fetch"},
    )
    opened = {"chapter": chapter.pk, "section": ""}  # what the page posts on opening
    member_client.post(reverse("book:reading_position"), opened)  # unchanged: kept
    assert ReadingPosition.objects.get(chapter=chapter).section == section
    chapter.body = "## Verder\n\nTekst zonder slot."
    chapter.save()
    member_client.post(reverse("book:reading_position"), opened)
    assert ReadingPosition.objects.get(chapter=chapter).section == ""
