"""Script through every field people type into: each payload goes in through the real
form, then every page that shows the field is read back. A payload must never come
back as markup: the Markdown fields (story and reply bodies) come out inert, the plain
fields escaped, and the page as a whole carries no handler, script or dangerous URL it
did not have before (tests/security/conftest.py: assert_page_safe)."""

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.html import escape

from editions.models import Edition
from members.models import CodeBatch, Invitation
from stories.models import Reply, Status, Story
from tests.book.test_markdown import XSS_PAYLOADS
from tests.inert import assert_inert

from .conftest import assert_page_safe, jpeg_upload, regions

pytestmark = pytest.mark.django_db

# Fifteen vectors of different kinds for the plain fields (each runs the whole site):
# tags, handlers, attribute and textarea break-outs, entities, template syntax.
VARIED = [XSS_PAYLOADS[i] for i in (0, 1, 2, 3, 4, 12, 17, 24, 29, 48, 58, 63, 64, 65, 66)]
ATOM = "{http://www.w3.org/2005/Atom}"


def _ok(response, *statuses):
    assert response.status_code in (statuses or (200,)), (
        response.status_code,
        response.content[:500],
    )
    return response.content.decode()


def _redirected(response):
    assert response.status_code == 302, (response.status_code, response.content[:2000])
    return response


def _story_post(client, chapter, **fields):
    data = {
        "title": "Een bankje op de hoek",
        "body": "Gewoon een verhaal.",
        "municipality": "",
        "photo_alt": "",
        "submission_key": str(uuid.uuid4()),
        "action": "submit",
        **fields,
    }
    _redirected(client.post(reverse("stories:create", args=[chapter.slug]), data))
    return Story.objects.latest("pk")


def _decide(curator, story, action):
    _redirected(
        curator.post(
            reverse("stories:moderation_decide"), {"target": f"story:{story.pk}", "action": action}
        )
    )


def _check_feed(client, *titles):
    response = client.get(reverse("stories:feed"))
    root = ET.fromstring(response.content)  # well-formed: nothing broke out of its element
    found = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    for title in titles:
        assert title in found
    for entry in root.iter(f"{ATOM}entry"):
        # The body travels as escaped HTML text, never as child elements.
        summary = entry.find(f"{ATOM}summary")
        assert summary is None or len(summary) == 0


# ---- Story and reply bodies: every vector ------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_story_and_reply_bodies_render_every_payload_inert(cast, chapters, payload):
    chapter = chapters[0]
    story = _story_post(cast.author, chapter, title="Verhaal met alert", body=payload)
    assert story.status == Status.PENDING

    queue = _ok(cast.curator.get(reverse("stories:moderation_queue")))
    assert_page_safe(queue, payload)
    for region in regions(queue, "moderation-item__text"):
        assert_inert(region)
    _decide(cast.curator, story, "approve")

    _redirected(cast.other.post(reverse("stories:reply", args=[story.pk]), {"body": payload}))
    reply = Reply.objects.get(story=story)
    pages = {
        "story": cast.anonymous.get(story.get_absolute_url()),
        "chapter": cast.anonymous.get(chapter.get_absolute_url()),
        "search": cast.anonymous.get(reverse("stories:search"), {"q": "alert"}),
        "mine": cast.author.get(reverse("stories:mine")),
        "edit": cast.author.get(reverse("stories:edit", args=[story.pk])),
        "reply edit": cast.other.get(reverse("stories:reply_edit", args=[reply.pk])),
        "reply delete": cast.other.get(reverse("stories:reply_delete", args=[reply.pk])),
    }
    for name, response in pages.items():
        html = _ok(response)
        try:
            assert_page_safe(html, payload)
            for css_class in ("story__body", "reply__body"):
                for region in regions(html, css_class):
                    assert_inert(region)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None
    # The edit forms give the text back as it was typed, escaped inside the textarea.
    if payload.strip() and "\n" not in payload:
        assert escape(payload.strip()) in pages["edit"].content.decode()
    _check_feed(cast.anonymous, "Verhaal met alert")

    # The preview goes through the same renderer as the saved story.
    preview = cast.author.post(
        reverse("stories:create", args=[chapter.slug]),
        {"title": "x", "body": payload, "submission_key": str(uuid.uuid4()), "action": "preview"},
    )
    html = _ok(preview)
    assert_page_safe(html, payload)
    for region in regions(html, "story__body"):
        assert_inert(region)


# ---- Every other field, on every page that shows it -------------------------------------


def _fit(payload: str, length: int) -> str:
    return payload[:length]


def _fill_everything(cast, chapter, payload):
    """Put `payload` in every field people can type into, each through its own form.
    Returns the values as stored (cut to each field's length)."""
    values = {
        "display_name": _fit(payload, 80),
        "municipality": _fit(payload, 100),
        "bio": _fit(payload, 500),
        "title": _fit(payload, 200),
        "photo_alt": _fit(payload, 300),
        "invitation": _fit(payload, 200),
        "edition": _fit(payload, 100),
        "theme": _fit(payload, 100),
    }
    # The theme is a curator's word in the admin; members only pick themes.
    _redirected(
        cast.admin.post(
            reverse("admin:stories_theme_add"),
            {"name": values["theme"], "slug": f"thema-{uuid.uuid4().hex[:8]}"},
        )
    )
    # Profiles: the author's, shown in full in the directory.
    for client in (cast.author, cast.other):
        _redirected(
            client.post(
                reverse("members:profile"),
                {
                    "display_name": values["display_name"],
                    "municipality": values["municipality"],
                    "role": "",
                    "bio": values["bio"],
                    "visibility": "full",
                },
            )
        )
    _redirected(
        cast.author.post(reverse("members:invitation_create"), {"name": values["invitation"]})
    )
    assert Invitation.objects.get().name == values["invitation"].strip()

    from stories.models import Theme

    story = _story_post(
        cast.author,
        chapter,
        title=values["title"],
        body=payload,
        municipality=values["municipality"],
        photo=jpeg_upload(),
        photo_alt=values["photo_alt"],
        themes=[Theme.objects.get().pk],
    )
    _decide(cast.curator, story, "feature")
    _redirected(cast.other.post(reverse("stories:reply", args=[story.pk]), {"body": payload}))
    _redirected(cast.other.post(reverse("stories:report", args=[story.pk]), {"reason": payload}))
    reply = Reply.objects.get(story=story)
    _redirected(
        cast.author.post(reverse("stories:reply_report", args=[reply.pk]), {"reason": payload})
    )

    # Curators: a batch of claim codes in the admin, an edition on their own pages.
    _redirected(
        cast.admin.post(
            reverse("admin:members_codebatch_add"),
            {"label": _fit(payload, 200), "size": 1, "notes": payload},
        )
    )
    assert CodeBatch.objects.get().notes == payload.strip()
    _redirected(
        cast.curator.post(
            reverse("editions:edition_list"), {"label": values["edition"], "notes": payload}
        )
    )
    edition = Edition.objects.get()
    curate = _ok(cast.curator.get(reverse("editions:edition_curate", args=[edition.slug])))
    assert_page_safe(curate, payload, *values.values())
    _redirected(
        cast.curator.post(
            reverse("editions:edition_curate", args=[edition.slug]), {"stories": [story.pk]}
        )
    )
    _redirected(cast.curator.post(reverse("editions:edition_publish", args=[edition.slug])))
    edition.refresh_from_db()
    assert edition.is_published
    return values, story, reply, edition


@pytest.mark.parametrize("payload", VARIED)
def test_every_text_field_is_escaped_on_every_page(cast, chapters, payload):
    chapter = chapters[0]
    values, story, reply, edition = _fill_everything(cast, chapter, payload)
    typed = [payload, *values.values()]
    edition_chapter = edition.chapters.get(slug=chapter.slug)
    author_profile = cast.author_user.membership.profile
    codebatch = CodeBatch.objects.get()
    pages = [
        # Readers
        (cast.anonymous, story.get_absolute_url()),
        (cast.anonymous, chapter.get_absolute_url()),
        (cast.anonymous, reverse("stories:latest")),
        (cast.anonymous, reverse("stories:search") + "?q=" + quote(payload)),
        (cast.anonymous, reverse("members:card_shared", args=[author_profile.card_token])),
        (cast.anonymous, edition.get_absolute_url()),
        (cast.anonymous, edition_chapter.get_absolute_url()),
        (cast.anonymous, reverse("editions:edition_print", args=[edition.slug])),
        # The author
        (cast.author, reverse("stories:mine")),
        (cast.author, reverse("stories:edit", args=[story.pk])),
        (cast.author, reverse("members:profile")),
        (cast.author, reverse("members:card")),
        (cast.author, reverse("members:mine")),
        # Another member
        (cast.other, reverse("directory")),
        (
            cast.other,
            reverse("directory") + f"?municipality={quote(values['municipality'])}",
        ),
        (cast.other, story.get_absolute_url()),
        (cast.other, reverse("stories:reply_edit", args=[reply.pk])),
        # Curators
        (cast.curator, reverse("stories:moderation_queue")),
        (cast.curator, reverse("stories:moderation_log")),
        (cast.curator, reverse("statistics")),
        (cast.curator, reverse("editions:edition_list")),
        # The admin
        (cast.admin, reverse("admin:stories_story_changelist")),
        (cast.admin, reverse("admin:stories_story_change", args=[story.pk])),
        (cast.admin, reverse("admin:stories_reply_changelist")),
        (cast.admin, reverse("admin:stories_report_changelist")),
        (cast.admin, reverse("admin:stories_moderationaction_changelist")),
        (cast.admin, reverse("admin:stories_theme_changelist")),
        (cast.admin, reverse("admin:members_profile_changelist")),
        (cast.admin, reverse("admin:members_profile_change", args=[author_profile.pk])),
        (cast.admin, reverse("admin:members_invitation_changelist")),
        (cast.admin, reverse("admin:members_codebatch_changelist")),
        (cast.admin, reverse("admin:members_codebatch_change", args=[codebatch.pk])),
        (cast.admin, reverse("admin:members_codebatch_labels", args=[codebatch.pk])),
        (cast.admin, reverse("admin:editions_edition_changelist")),
        (cast.admin, reverse("admin:editions_edition_change", args=[edition.pk])),
    ]
    seen = ""
    for client, url in pages:
        html = _ok(client.get(url))
        try:
            assert_page_safe(html, *typed)
            for css_class in ("story__body", "reply__body", "moderation-item__text"):
                for region in regions(html, css_class):
                    assert_inert(region)
        except AssertionError as failure:
            raise AssertionError(f"{url}: {failure}") from None
        seen += html

    # Not vacuous: each plain value was on some page, escaped.
    for name, value in values.items():
        if value.strip() and "\n" not in value:
            assert escape(value.strip()) in seen or escape(value.strip()[:40]) in seen, name
    _check_feed(cast.anonymous, values["title"].strip())

    # The Atom feed of the chapter escapes the title too.
    chapter_feed = cast.anonymous.get(reverse("stories:chapter_feed", args=[chapter.slug]))
    ET.fromstring(chapter_feed.content)


@pytest.mark.parametrize("payload", VARIED)
def test_typed_values_echoed_by_forms_are_escaped(client, db, payload):
    """What a form shows back after a refusal: the e-mail address on login and signup,
    the code typed on the code page, a code in the address of a code page."""
    pages = {
        "login": client.post(reverse("account_login"), {"login": payload, "password": "x"}),
        "signup": client.post(
            reverse("account_signup"),
            {"email": payload, "password1": "x", "password2": "y"},
        ),
        "password reset": client.post(reverse("account_reset_password"), {"email": payload}),
        "code": client.post(reverse("members:code_enter"), {"code": payload[:40]}),
        "code page": client.get(
            reverse("members:code_claim", args=["X"]).replace(
                "X", quote(payload.replace("/", ""), safe="")
            )
        ),
        "invitation page": client.get(
            reverse("members:invitation", args=["X"]).replace(
                "X", quote(payload.replace("/", ""), safe="")
            )
        ),
        "search": client.get(
            reverse("stories:search"), {"q": payload, "organisatie": payload, "provincie": payload}
        ),
        "latest": client.get(
            reverse("stories:latest"),
            {"gemeente": payload, "thema": payload, "organisatie": payload, "provincie": payload},
        ),
        "directory": client.get(
            reverse("directory"), {"organisatie": payload, "provincie": payload, "role": payload}
        ),
    }
    for name, response in pages.items():
        html = _ok(response, 200, 400, 404, 429)
        try:
            assert_page_safe(html, payload, payload[:40], payload.replace("/", ""))
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None
