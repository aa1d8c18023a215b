"""Curators edit a chapter's text in the curation area; readers see its versions and
what changed between any two (community.chapter_text_views)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from book.models import Access, Chapter, ChapterRevision
from book.revisions import chapter_history_begin, chapter_save_text
from community.privacy import account_delete, account_export
from core.markdown import raw_html_tags
from tests.book.test_markdown import XSS_PAYLOADS
from tests.clients import signed_in
from tests.factories import (
    ChapterFactory,
    ChapterRevisionFactory,
    MembershipFactory,
    ProfileFactory,
    UserFactory,
)
from tests.inert import assert_inert
from tests.markup import hrefs, inner_html, one, select, text, texts
from tests.safe_requests import assert_safe_requests_change_nothing
from tests.security.conftest import assert_page_safe

pytestmark = pytest.mark.django_db

BODY = "## Begin\n\nEerste alinea van het hoofdstuk.\n\n## Verder\n\nTweede alinea."


def _edit_url(chapter):
    return reverse("chapter_text_edit", args=[chapter.slug])


def _history_url(chapter):
    return reverse("chapter_history", args=[chapter.slug])


def _compare_url(chapter, old, new):
    return reverse("chapter_compare", args=[chapter.slug, old, new])


def _form(response) -> dict:
    """The edit form's fields as a browser reads them (which drops the newline that
    opens a textarea's content)."""
    return {
        "title": one(response, "input[name=title]").get("value"),
        "body": one(response, "textarea[name=body]").text_content().removeprefix("\n"),
        "message": one(response, "input[name=message]").get("value") or "",
        "base_revision": one(response, "input[name=base_revision]").get("value"),
    }


# ---- Who may edit --------------------------------------------------------------------


def test_the_curation_pages_are_for_curators_only(client, member, open_chapter):
    for url in (reverse("chapter_text_list"), _edit_url(open_chapter)):
        assert client.get(url)["Location"].startswith("/accounts/login/")
        assert signed_in(member).get(url).status_code == 403
    assert signed_in(member).post(_edit_url(open_chapter), {"title": "x"}).status_code == 403
    assert Chapter.objects.get(pk=open_chapter.pk).title == open_chapter.title


def test_the_list_shows_each_chapter_with_its_newest_revision(curator, chapters):
    chapter_save_text(
        chapter=chapters[0],
        user=curator,
        title="Anders",
        body=BODY,
        message="Titel scherper.",
        base_revision=1,
    )
    response = signed_in(curator).get(reverse("chapter_text_list"))

    rows = select(response, "table.chapter-texts tbody tr")
    assert len(rows) == Chapter.objects.count() == len(chapters) + 1  # the draft too
    first = rows[0]
    assert text(one(first, "th")) == "1. Anders"
    assert "versie 2" in text(first) and "Titel scherper." in text(first)
    assert "nog geen versies" in text(rows[1])
    assert _edit_url(chapters[1]) in hrefs(rows[1])


# ---- Editing -------------------------------------------------------------------------


def test_the_form_holds_the_text_and_the_revision_it_starts_from(curator, open_chapter):
    ChapterRevisionFactory(chapter=open_chapter, number=1)
    ChapterRevisionFactory(chapter=open_chapter, number=2)
    form = _form(signed_in(curator).get(_edit_url(open_chapter)))
    assert form == {
        "title": open_chapter.title,
        "body": open_chapter.body,
        "message": "",
        "base_revision": "2",
    }


def test_a_save_is_a_new_revision_and_the_cached_page_shows_it_at_once(
    client, curator, open_chapter
):
    assert "Een derde alinea" not in client.get(open_chapter.get_absolute_url()).content.decode()
    editor = signed_in(curator)
    form = _form(editor.get(_edit_url(open_chapter)))

    response = editor.post(
        _edit_url(open_chapter),
        {**form, "body": BODY + "\n\nEen derde alinea.", "message": "Voorbeeld toegevoegd."},
    )

    assert response.status_code == 302
    assert response["Location"] == _history_url(open_chapter)
    newest = open_chapter.revisions.order_by("-number").first()
    assert (newest.number, newest.author, newest.message) == (2, curator, "Voorbeeld toegevoegd.")
    page = client.get(open_chapter.get_absolute_url())
    assert "Een derde alinea." in texts(page, ".chapter__body p")


def test_the_preview_shows_the_sanitised_text_and_saves_nothing(curator, open_chapter):
    body = "## Kop\n\nEen **vette** zin.\n\n<script>alert(1)</script>"
    response = signed_in(curator).post(
        _edit_url(open_chapter),
        {
            "title": "Voorlopig",
            "body": body,
            "message": "",
            "base_revision": "1",
            "action": "preview",
        },
    )

    assert response.status_code == 200
    preview = one(response, ".chapter-preview")
    assert texts(preview, ".chapter__body strong") == ["vette"]
    assert select(preview, "script") == []
    assert "<script>alert(1)</script>" in text(one(preview, ".chapter__body"))
    assert "HTML-code (<script>)" in text(one(preview, ".notice--error"))
    assert _form(response)["body"] == body
    assert not select(response, ".errorlist")  # a preview is not a save
    assert open_chapter.revisions.count() == 0
    assert Chapter.objects.get(pk=open_chapter.pk).title == open_chapter.title


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"body": "   "}, "body", "Een hoofdstuk zonder tekst kan niet worden bewaard."),
        ({"title": "x" * 201}, "title", "Zorg dat deze waarde niet meer dan 200 tekens bevat"),
        ({"message": ""}, "message", "Zeg in een paar woorden wat je veranderde en waarom."),
        ({"body": BODY + "\n\n<script>alert(1)</script>"}, "body", "HTML-code (<script>)"),
    ],
)
def test_bad_input_gets_a_dutch_error_and_loses_nothing(
    curator, open_chapter, changes, field, error
):
    posted = {
        "title": "Nieuwe titel",
        "body": BODY + " Meer.",
        "message": "Iets veranderd.",
        "base_revision": "1",
        **changes,
    }
    response = signed_in(curator).post(_edit_url(open_chapter), posted)

    assert response.status_code == 200
    assert error in text(one(response, f"#id_{field}_error"))
    assert _form(response) == {
        name: posted[name] for name in ("title", "body", "message", "base_revision")
    }
    assert open_chapter.revisions.count() == 0
    assert Chapter.objects.get(pk=open_chapter.pk).body == open_chapter.body


def test_raw_html_refused_is_shown_as_it_would_be_published(curator, open_chapter):
    response = signed_in(curator).post(
        _edit_url(open_chapter),
        {"title": "T", "body": "Tekst <b>vet</b>", "message": "m", "base_revision": "1"},
    )
    preview = one(response, ".chapter-preview .chapter__body")
    assert select(preview, "b") == []
    assert text(preview) == "Tekst <b>vet</b>"


def test_two_curators_from_the_same_revision_the_second_sees_the_diff_and_keeps_their_text(
    curator, open_chapter
):
    other = MembershipFactory(user=UserFactory(is_staff=True)).user
    other.groups.add(*curator.groups.all())
    first, second = signed_in(curator), signed_in(other)
    form_first = _form(first.get(_edit_url(open_chapter)))
    form_second = _form(second.get(_edit_url(open_chapter)))
    assert form_first["base_revision"] == form_second["base_revision"] == "1"

    saved = first.post(
        _edit_url(open_chapter),
        {**form_first, "body": BODY.replace("Tweede", "Tweede, betere"), "message": "Eerste."},
    )
    assert saved.status_code == 302
    theirs = BODY + "\n\nMijn eigen nieuwe alinea."
    refused = second.post(
        _edit_url(open_chapter), {**form_second, "body": theirs, "message": "Tweede."}
    )

    assert refused.status_code == 409
    assert "Iemand anders heeft dit hoofdstuk bewaard" in text(one(refused, ".notice--error"))
    conflict = one(refused, ".revision-conflict")
    assert texts(conflict, ".diff ins") == ["toegevoegd: Tweede, betere"]
    assert texts(conflict, ".diff del") == ["verwijderd: Tweede"]
    kept = _form(refused)
    assert (kept["body"], kept["message"], kept["base_revision"]) == (theirs, "Tweede.", "2")
    assert Chapter.objects.get(pk=open_chapter.pk).body == BODY.replace("Tweede", "Tweede, betere")

    # Having seen what changed, they save again, over it.
    assert second.post(_edit_url(open_chapter), kept).status_code == 302
    assert list(open_chapter.revisions.values_list("number", "message")) == [
        (1, ""),
        (2, "Eerste."),
        (3, "Tweede."),
    ]


# ---- History and comparing -----------------------------------------------------------


@pytest.fixture
def history(curator, open_chapter):
    """Three versions of the open chapter: the text it had, then two edits."""
    chapter_save_text(
        chapter=open_chapter,
        user=curator,
        title=open_chapter.title,
        body=BODY.replace("Eerste alinea", "De eerste alinea"),
        message="Lidwoord erbij.",
        base_revision=1,
    )
    chapter_save_text(
        chapter=open_chapter,
        user=curator,
        title="Een nieuwe titel",
        body=BODY.replace("Eerste alinea", "De eerste alinea") + "\n\n## Slot\n\nTot slot.",
        message="Slot toegevoegd.",
        base_revision=2,
    )
    return open_chapter


def test_the_history_lists_every_revision_with_who_when_and_why(client, curator, history):
    ProfileFactory(membership=curator.membership, display_name="Redacteur Rian")
    response = client.get(_history_url(history))

    assert response.status_code == 200
    items = select(response, ".revision")
    assert [text(one(item, ".revision__head strong")) for item in items] == [
        "Versie 3",
        "Versie 2",
        "Versie 1",
    ]
    assert texts(response, ".revision__who") == [
        "Redacteur Rian",
        "Redacteur Rian",
        "De tekst toen de versies begonnen",
    ]
    assert texts(response, ".revision__message")[:2] == ["Slot toegevoegd.", "Lidwoord erbij."]
    assert _compare_url(history, 2, 3) in hrefs(response, ".revision a")
    assert curator.email not in response.content.decode()


def test_a_curator_without_a_copy_is_shown_as_the_editors(client, open_chapter, curator):
    staff = UserFactory(is_staff=True, email="geheim@example.org")
    chapter_history_begin(chapter=open_chapter)
    ChapterRevisionFactory(chapter=open_chapter, number=2, author=staff, message="x")
    response = client.get(_history_url(open_chapter))
    assert texts(response, ".revision__who")[0] == "de redactie"
    assert "geheim@example.org" not in response.content.decode()


def test_compare_shows_a_word_diff_and_a_summary_per_section(client, history):
    response = client.get(_compare_url(history, 1, 3))

    assert response.status_code == 200
    assert texts(response, ".diff:not(.diff--title) ins") == [
        "toegevoegd: De eerste",
        "toegevoegd: ## Slot Tot slot.",
    ]
    assert texts(response, ".diff:not(.diff--title) del") == ["verwijderd: Eerste"]
    old_title = history.revisions.get(number=1).title
    assert texts(response, ".diff--title del") == [f"verwijderd: {old_title}"]
    assert texts(response, ".diff--title ins") == ["toegevoegd: Een nieuwe titel"]
    summary = texts(response, ".section-change")
    assert any(line.startswith("Slot (nieuwe sectie):") for line in summary), summary
    assert any(line.startswith("Begin:") for line in summary), summary
    assert not any(line.startswith("Verder") for line in summary)


def test_compare_in_either_order_and_the_same_revision(client, history):
    assert client.get(_compare_url(history, 3, 1)).status_code == 200
    same = client.get(_compare_url(history, 2, 2))
    assert select(same, ".diff ins, .diff del") == []
    assert "De tekst is in beide versies dezelfde." in text(one(same, ".revisions__summary"))


def test_the_compare_form_on_the_history_page_leads_to_the_comparison(client, history):
    response = client.get(_history_url(history), {"van": "1", "tot": "3"})
    assert response.status_code == 302
    assert response["Location"] == _compare_url(history, 1, 3)
    refused = client.get(_history_url(history), {"van": "9" * 5000, "tot": "3"})
    assert refused.status_code == 200
    assert "Kies twee versies" in text(one(refused, ".notice--error"))


def test_a_revision_that_does_not_exist_or_is_another_chapters_is_not_found(
    client, history, chapters
):
    other = chapters[1]
    chapter_history_begin(chapter=other)
    ChapterRevisionFactory(chapter=other, number=7)
    assert client.get(_compare_url(history, 1, 4)).status_code == 404
    assert client.get(_compare_url(history, 1, 7)).status_code == 404
    assert client.get(f"{_history_url(history)}1/9223372036854775807/").status_code == 404
    assert client.get(f"{_history_url(history)}1/99999999999999999999/").status_code == 404


def test_viewing_history_and_diffs_changes_nothing(curator, history):
    paths = [
        reverse("chapter_text_list"),
        _edit_url(history),
        _history_url(history),
        _compare_url(history, 1, 3),
    ]
    assert_safe_requests_change_nothing(signed_in(curator), paths)


@pytest.mark.parametrize("audience", ["anonymous", "no_copy", "member", "curator"])
def test_history_and_diffs_follow_the_one_access_rule(audience, curator, book):
    chapters = {
        "open": ChapterFactory(book=book, access=Access.OPEN),
        "members": ChapterFactory(book=book, access=Access.MEMBERS),
        "draft": ChapterFactory(book=book, is_published=False, access=Access.OPEN),
    }
    for key, chapter in chapters.items():
        chapter_save_text(
            chapter=chapter,
            user=curator,
            title=chapter.title,
            body=f"{BODY}\n\nGeheim{key}woord.",
            message=f"Toelichting{key}.",
            base_revision=1,
        )
    person = {
        "anonymous": None,
        "no_copy": UserFactory(),
        "member": MembershipFactory().user,
        "curator": curator,
    }[audience]
    readable = set(Chapter.objects.readable_by(person or AnonymousUser()))
    client = signed_in(person)
    for key, chapter in chapters.items():
        for url in (_history_url(chapter), _compare_url(chapter, 1, 2)):
            response = client.get(url)
            shown = (
                f"Geheim{key}woord" in response.content.decode()
                or f"Toelichting{key}" in response.content.decode()
            )
            if chapter in readable:
                assert response.status_code == 200, (audience, key, url)
                assert shown, (audience, key, url)
            else:
                assert response.status_code == 404, (audience, key, url)
                assert not shown, (audience, key, url)


def test_the_history_page_costs_the_same_queries_for_10_and_200_revisions(
    client, open_chapter, curator, session_queries
):
    client.force_login(curator)

    def queries_with(count):
        ChapterRevision.objects.filter(chapter=open_chapter).delete()
        authors = [MembershipFactory().user for _n in range(3)] + [None, curator]
        ChapterRevision.objects.bulk_create(
            ChapterRevision(
                chapter=open_chapter,
                number=n,
                title="T",
                body=f"Tekst {n}.",
                author=authors[n % len(authors)],
                message=f"Versie {n}.",
            )
            for n in range(1, count + 1)
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_history_url(open_chapter))
        assert len(select(response, ".revision")) == count
        return len(queries)

    # What every signed-in page costs, the chapter, and its revisions with their
    # authors' names in one query, however many there are.
    assert queries_with(10) == queries_with(200) == 5 + session_queries


# ---- Privacy -------------------------------------------------------------------------


def test_the_data_download_holds_the_revisions_a_curator_saved(curator, history):
    exported = account_export(user=curator)["chapter_revisions"]
    assert [(row["revision"], row["message"]) for row in exported] == [
        (2, "Lidwoord erbij."),
        (3, "Slot toegevoegd."),
    ]
    assert exported[1]["title"] == "Een nieuwe titel"
    assert exported[0]["chapter"] == history.revisions.get(number=3).title


def test_leaving_keeps_the_text_and_drops_the_name(client, curator, history):
    ProfileFactory(membership=curator.membership, display_name="Redacteur Rian")
    account_delete(user=curator)

    assert list(history.revisions.values_list("number", "author")) == [
        (1, None),
        (2, None),
        (3, None),
    ]
    assert history.revisions.get(number=3).body.endswith("Tot slot.")
    response = client.get(_history_url(history))
    assert texts(response, ".revision__who")[:2] == ["een oud-lid", "een oud-lid"]
    assert "Redacteur Rian" not in response.content.decode()


# ---- Script through every field of a revision ----------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS[::4])
def test_a_payload_in_title_text_or_message_comes_back_inert(
    client, curator, open_chapter, payload
):
    """Saved through the real form (the body as Markdown: raw HTML is refused, so the
    payload goes in as code the second time), then read back on every page."""
    editor = signed_in(curator)
    refused = editor.post(
        _edit_url(open_chapter),
        {"title": payload[:200], "body": payload, "message": payload[:300], "base_revision": "1"},
    )
    assert_page_safe(refused.content.decode(), payload)
    body = BODY + "\n\n" + payload if not raw_html_tags(payload) else f"{BODY}\n\n`{payload}`"
    editor.post(
        _edit_url(open_chapter),
        {
            "title": payload[:200].strip() or "T",
            "body": body,
            "message": payload[:300].strip() or "m",
            "base_revision": "1",
        },
    )
    pages = [
        client.get(_history_url(open_chapter)),
        client.get(_compare_url(open_chapter, 1, 2)),
        editor.get(reverse("chapter_text_list")),
        editor.get(_edit_url(open_chapter)),
        editor.post(
            _edit_url(open_chapter),
            {"title": "T", "body": body, "message": "m", "base_revision": "1", "action": "preview"},
        ),
    ]
    for page in pages:
        assert page.status_code in (200, 404), page.status_code
        html = page.content.decode()
        assert_page_safe(html, payload)
        for diff in select(html, ".diff"):
            assert_inert(inner_html(diff), allowed_tags={"ins", "del", "span"})
