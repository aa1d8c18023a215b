import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from book.services import chapter_stories_changed
from members.models import Role
from stories import moderation, reactions, reports, writing
from stories.models import Reaction, Reply, Report, Status, Story
from tests.book.test_markdown import XSS_PAYLOADS
from tests.book.test_views import meta_description
from tests.clients import signed_in
from tests.factories import (
    MembershipFactory,
    ProfileFactory,
    ReactionFactory,
    ReplyFactory,
    StoryFactory,
    ThemeFactory,
)
from tests.inert import assert_inert
from tests.markup import attributes, hrefs, inner_html, one, select, text, texts

pytestmark = pytest.mark.django_db

FETCH = {"x-requested-with": "fetch"}


@pytest.fixture
def other_client(client, db):
    """A logged-in member who is not the author of anything here."""
    return signed_in(MembershipFactory().user)


def _titles(response) -> list[str]:
    """The titles of the story cards on a page, in their order."""
    return texts(response, "article.story-card .story-card__title")


def _body(response, part: str = "story") -> str:
    """The rendered Markdown of the first story (or reply) on a page."""
    return inner_html(select(response, f".prose.{part}__body")[0])


def _form_data(**overrides):
    return {
        "title": "Een bankje op de hoek",
        "body": "We vroegen de gemeente om een **bankje**.",
        "municipality": "",
        "photo_alt": "",
        "submission_key": str(uuid.uuid4()),
        "action": "submit",
        **overrides,
    }


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("bank.jpg", buffer.getvalue(), content_type="image/jpeg")


# ---- Beneath a chapter -----------------------------------------------------------------


def test_chapter_shows_published_stories_featured_first(client, open_chapter):
    StoryFactory(chapter=open_chapter, title="Gewoon verhaal")
    StoryFactory(chapter=open_chapter, title="Uitgelicht verhaal", status=Status.FEATURED)
    StoryFactory(chapter=open_chapter, title="Wacht nog", status=Status.PENDING)
    StoryFactory(chapter=open_chapter, title="Verstopt", status=Status.HIDDEN)
    response = client.get(open_chapter.get_absolute_url())
    assert select(response, "#verhalen")
    assert _titles(response) == ["Uitgelicht verhaal", "Gewoon verhaal"]


def test_anonymous_reader_sees_neither_body_nor_stories_under_members_chapter(
    client, members_chapter
):
    StoryFactory(chapter=members_chapter, title="Verhaal voor leden")
    response = client.get(members_chapter.get_absolute_url())
    html = response.content.decode()
    assert "Verhaal voor leden" not in html
    assert "Eerste alinea van het hoofdstuk." not in html
    assert not select(response, "#verhalen")


def test_members_see_stories_under_members_chapter(member_client, members_chapter):
    StoryFactory(chapter=members_chapter, title="Verhaal voor leden")
    response = member_client.get(members_chapter.get_absolute_url())
    assert _titles(response) == ["Verhaal voor leden"]
    assert reverse("stories:create", args=[members_chapter.slug]) in hrefs(response, "#verhalen a")


def test_chapter_stories_are_paginated_twenty_a_page(client, open_chapter):
    for n in range(25):
        StoryFactory(chapter=open_chapter, title=f"Verhaal nummer {n:02d}")
    first = client.get(open_chapter.get_absolute_url())
    assert len(_titles(first)) == 20
    assert hrefs(first, ".pagination a") == ["?verhalen=2#verhalen"]
    second = client.get(open_chapter.get_absolute_url() + "?verhalen=2")
    assert len(_titles(second)) == 5
    assert hrefs(second, ".pagination a") == ["?verhalen=1#verhalen"]
    assert client.get(open_chapter.get_absolute_url() + "?verhalen=x").status_code == 200


def test_chapter_page_queries_do_not_grow_with_stories(
    client, member, open_chapter, django_assert_max_num_queries
):
    theme = ThemeFactory()

    def add(count):
        for story in StoryFactory.create_batch(count, chapter=open_chapter):
            story.themes.add(theme)
            ReplyFactory(story=story)
            ReactionFactory(story=story, member=member.membership, kind="dank")

    client.force_login(member)
    add(10)
    client.get(open_chapter.get_absolute_url())  # the reading position now exists
    chapter_stories_changed(chapters=[open_chapter])  # not from the cache: read them
    with django_assert_max_num_queries(12) as few:
        assert client.get(open_chapter.get_absolute_url()).status_code == 200
    # Up to 1,000 stories under the chapter: written in bulk, the page reads the same way.
    extra = [StoryFactory.build(chapter=open_chapter, author=member.membership) for _ in range(990)]
    for story in extra:
        story.body_html = story.body_html or "<p>Verhaal.</p>"
    Story.objects.bulk_create(extra)
    chapter_stories_changed(chapters=[open_chapter])  # as the services do on a change
    with django_assert_max_num_queries(12) as many:
        response = client.get(open_chapter.get_absolute_url())
    assert len(_titles(response)) == 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_home_counts_visible_stories_per_chapter(client, member, chapters):
    StoryFactory.create_batch(3, chapter=chapters[0])
    StoryFactory(chapter=chapters[0], status=Status.PENDING)
    StoryFactory.create_batch(2, chapter=chapters[2])
    html = client.get("/").content.decode()
    assert "· 3 verhalen" in html
    assert "· 2 verhalen" not in html  # the members' chapter, for an anonymous reader
    client.force_login(member)
    html = client.get("/").content.decode()
    assert "· 3 verhalen" in html and "· 2 verhalen" in html


# ---- A story's page: visibility --------------------------------------------------------

STATUSES = [Status.DRAFT, Status.PENDING, Status.PUBLISHED, Status.FEATURED, Status.HIDDEN]
SEES = {
    "anonymous": {Status.PUBLISHED, Status.FEATURED},
    "member": {Status.PUBLISHED, Status.FEATURED},
    "author": set(STATUSES),
    "curator": {Status.PENDING, Status.PUBLISHED, Status.FEATURED, Status.HIDDEN},
}


@pytest.mark.parametrize("viewer", list(SEES))
@pytest.mark.parametrize("status", STATUSES)
def test_story_page_visibility_matrix(client, curator, open_chapter, viewer, status):
    author = MembershipFactory()
    story = StoryFactory(chapter=open_chapter, author=author, status=status)
    login = {
        "anonymous": None,
        "member": MembershipFactory().user,
        "author": author.user,
        "curator": curator,
    }[viewer]
    if login:
        client.force_login(login)
    response = client.get(story.get_absolute_url())
    assert response.status_code == (200 if status in SEES[viewer] else 404)


def test_story_under_members_chapter_is_404_for_anonymous(client, members_chapter):
    story = StoryFactory(chapter=members_chapter)
    assert client.get(story.get_absolute_url()).status_code == 404


def test_story_url_redirects_to_its_canonical_slug(client, open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Het bankje")
    response = client.get(f"/verhalen/{story.pk}-oude-titel/")
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()
    assert client.get(f"/verhalen/{story.pk}/")["Location"] == story.get_absolute_url()


@pytest.mark.parametrize("viewer", ["anonymous", "member", "author"])
def test_story_description_is_plain_text_not_markdown(client, open_chapter, viewer):
    """The shared page (anonymous readers, members) and the author's own say the same."""
    story = StoryFactory(
        chapter=open_chapter,
        body="Wat we **samen** deden & [leerden](https://example.org).\n\n- een\n- twee",
    )
    if viewer != "anonymous":
        client.force_login(story.author.user if viewer == "author" else MembershipFactory().user)
    description = meta_description(client.get(story.get_absolute_url()).content.decode())
    assert description == "Wat we samen deden & leerden. een twee"


def test_long_story_description_stops_after_a_whole_word(client, open_chapter):
    story = StoryFactory(chapter=open_chapter, body="Wij *leerden* veel. " * 30)
    description = meta_description(client.get(story.get_absolute_url()).content.decode())
    assert description.startswith("Wij leerden veel. Wij leerden")
    assert len(description) <= 200 and description.endswith("…")
    assert description[:-1].split()[-1] in {"Wij", "leerden", "veel"}


def test_author_sees_why_their_story_was_hidden(client, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.HIDDEN, hidden_reason="Reclame")
    client.force_login(story.author.user)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Verborgen" in html and "Reclame" in html


# ---- XSS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_story_title_and_body_payloads_are_inert(client, open_chapter, payload):
    story = writing.story_submit(
        author=MembershipFactory(),
        chapter=open_chapter,
        title=f"Titel {payload}",
        body=f"Alinea.\n\n{payload}\n\nNog een.",
    )
    moderation.story_moderate(story=story, curator=None, action="approve")
    for url in (story.get_absolute_url(), open_chapter.get_absolute_url()):
        response = client.get(url)
        html = response.content.decode()
        assert_inert(_body(response))
        assert escape(f"Titel {payload}") in html
        if "<" in payload:
            assert f"Titel {payload}" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_reply_payloads_are_inert(client, open_chapter, payload):
    story = StoryFactory(chapter=open_chapter)
    reactions.reply_create(story=story, author=MembershipFactory(), body=payload)
    assert_inert(_body(client.get(story.get_absolute_url()), "reply"))


def test_story_and_reply_show_images_from_uploads_only(client, open_chapter):
    story = writing.story_submit(
        author=MembershipFactory(),
        chapter=open_chapter,
        title="Beelden",
        body="![Code](/exemplaar/code/ABC/) ![Foto](/media/stories/buurt.jpg) [Bel](tel:0201234)",
    )
    story = moderation.story_moderate(story=story, curator=None, action="approve")
    reactions.reply_create(story=story, author=MembershipFactory(), body="![Verder](/hoofdstuk/x/)")
    response = client.get(story.get_absolute_url())
    assertContains(response, '<img src="/media/stories/buurt.jpg" alt="Foto">', html=True)
    assertNotContains(response, '<img src="/exemplaar/code/ABC/" alt="Code">', html=True)
    assertNotContains(response, '<img src="/hoofdstuk/x/" alt="Verder">', html=True)
    for link in (
        '<a href="/exemplaar/code/ABC/" rel="noopener noreferrer">Code</a>',
        '<a href="/hoofdstuk/x/" rel="noopener noreferrer">Verder</a>',
        '<a href="tel:0201234" rel="noopener noreferrer">Bel</a>',
    ):
        assertContains(response, link, html=True)


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:8])
def test_preview_payloads_are_inert(member_client, open_chapter, payload):
    response = member_client.post(
        reverse("stories:create", args=[open_chapter.slug]),
        _form_data(title=payload, body=payload, action="preview"),
    )
    assert_inert(_body(response))
    assert not select(response, "script:not([src])")


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:8])
def test_report_reason_is_escaped_in_the_admin(client, curator, open_chapter, payload):
    story = StoryFactory(chapter=open_chapter)
    reports.report_create(reporter=MembershipFactory(), story=story, reason=payload)
    client.force_login(curator)
    curator.is_superuser = True
    curator.save()
    response = client.get(reverse("admin:stories_report_changelist"))
    shown = " ".join(payload.split())  # as text, white space folded
    assert [reason for reason in texts(response, ".field-reason") if shown in reason]
    assert not [script for script in select(response, "script") if "alert" in text(script)]
    assert not select(response, "[onerror]")


# ---- Writing ---------------------------------------------------------------------------


def test_preview_renders_without_saving(member_client, open_chapter):
    response = member_client.post(
        reverse("stories:create", args=[open_chapter.slug]),
        _form_data(body="Dit is *mooi*.", action="preview"),
    )
    assert response.status_code == 200
    assertInHTML("Dit is <em>mooi</em>.", _body(response))
    assert not Story.objects.exists()


def test_member_writes_a_story_that_waits_for_a_curator(member_client, open_chapter):
    response = member_client.post(reverse("stories:create", args=[open_chapter.slug]), _form_data())
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.status == Status.PENDING and story.chapter == open_chapter
    html = member_client.get(reverse("stories:mine")).content.decode()
    assert story.title in html and "Wacht op een curator" in html


def test_member_saves_a_draft(member_client, open_chapter):
    member_client.post(
        reverse("stories:create", args=[open_chapter.slug]), _form_data(action="draft")
    )
    assert Story.objects.get().status == Status.DRAFT
    assert "Concept" in member_client.get(reverse("stories:mine")).content.decode()


def test_double_submit_makes_one_story(member_client, open_chapter):
    data = _form_data()
    url = reverse("stories:create", args=[open_chapter.slug])
    first = member_client.post(url, data)
    second = member_client.post(url, data)
    assert Story.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_rate_limit_keeps_the_input_with_a_clear_message(member_client, open_chapter):
    url = reverse("stories:create", args=[open_chapter.slug])
    for n in range(writing.NEW_MEMBER_STORIES_PER_HOUR):
        member_client.post(url, _form_data(title=f"Verhaal {n}"))
    response = member_client.post(url, _form_data(title="Mijn vierde", body="Bewaarde tekst"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "al 3 verhalen geplaatst" in html
    assert one(response, 'input[name="title"]').get("value") == "Mijn vierde"
    assert one(response, 'textarea[name="body"]').text_content().strip() == "Bewaarde tekst"
    assert Story.objects.count() == writing.NEW_MEMBER_STORIES_PER_HOUR


def test_story_with_photo_is_processed_and_needs_a_description(member_client, open_chapter):
    url = reverse("stories:create", args=[open_chapter.slug])
    response = member_client.post(url, {**_form_data(), "photo": _jpeg()})
    assert response.status_code == 200 and not Story.objects.exists()
    assert "Beschrijf kort" in response.content.decode()
    member_client.post(url, {**_form_data(photo_alt="Een bankje"), "photo": _jpeg()})
    story = Story.objects.get()
    assert (story.photo_width, story.photo_height) == (800, 600)
    assert story.thumbnail.name.endswith("-thumb.jpg")


def test_theme_choices_are_saved(member_client, open_chapter):
    theme = ThemeFactory(name="Groen", slug="groen")
    member_client.post(
        reverse("stories:create", args=[open_chapter.slug]), _form_data(themes=[theme.pk])
    )
    assert list(Story.objects.get().themes.all()) == [theme]


def test_non_members_cannot_write(client, user, open_chapter):
    url = reverse("stories:create", args=[open_chapter.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data()).status_code == 403
    assert not Story.objects.exists()


def test_author_edits_their_story(client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    StoryFactory(chapter=open_chapter, author=story.author)  # trusted: another approved story
    client.force_login(story.author.user)
    response = client.post(
        reverse("stories:edit", args=[story.pk]),
        _form_data(title="Nieuwe titel", action="save"),
    )
    story.refresh_from_db()
    assert response.status_code == 302
    assert story.title == "Nieuwe titel" and story.edited


def test_author_deletes_their_story(client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    client.force_login(story.author.user)
    assert client.get(reverse("stories:delete", args=[story.pk])).status_code == 200
    response = client.post(reverse("stories:delete", args=[story.pk]))
    assert response["Location"] == reverse("stories:mine")
    assert not Story.objects.exists()


@pytest.mark.parametrize("name", ["stories:edit", "stories:delete"])
def test_another_member_cannot_change_a_story(other_client, open_chapter, name):
    story = StoryFactory(chapter=open_chapter)
    url = reverse(name, args=[story.pk])
    assert other_client.get(url).status_code == 403
    assert other_client.post(url, _form_data(title="Gekaapt")).status_code == 403
    assert Story.objects.get(pk=story.pk).title == story.title


@pytest.mark.parametrize("name", ["stories:edit", "stories:delete"])
def test_anonymous_visitor_cannot_change_a_story(client, open_chapter, name):
    story = StoryFactory(chapter=open_chapter)
    response = client.post(reverse(name, args=[story.pk]), _form_data(title="Gekaapt"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert Story.objects.get(pk=story.pk).title == story.title


@pytest.mark.parametrize("name", ["stories:edit", "stories:delete"])
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.HIDDEN])
def test_others_get_404_for_stories_they_cannot_see(other_client, open_chapter, name, status):
    story = StoryFactory(chapter=open_chapter, status=status)
    assert other_client.post(reverse(name, args=[story.pk]), _form_data()).status_code == 404
    assert Story.objects.filter(pk=story.pk).exists()


def test_author_cannot_edit_a_hidden_story(client, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.HIDDEN, hidden_reason="Reclame")
    client.force_login(story.author.user)
    url = reverse("stories:edit", args=[story.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(title="Toch")).status_code == 403
    assert Story.objects.get(pk=story.pk).status == Status.HIDDEN


def test_curator_cannot_edit_a_members_story(client, curator, open_chapter):
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    client.force_login(curator)
    assert client.post(reverse("stories:edit", args=[story.pk]), _form_data()).status_code == 403


def test_csrf_is_enforced(member, open_chapter):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:create", args=[open_chapter.slug])
    assert strict.post(url, _form_data()).status_code == 403
    react = reverse("stories:react", args=[story.pk])
    assert strict.post(react, {"kind": "dank"}, headers=FETCH).status_code == 403
    assert not Reaction.objects.exists()
    assert Story.objects.count() == 1


# ---- Mijn verhalen, Nieuwste verhalen ----------------------------------------------------


def test_my_stories_shows_each_state(client, open_chapter):
    author = MembershipFactory()
    for status in Status.values:
        StoryFactory(chapter=open_chapter, author=author, status=status, title=f"Titel {status}")
    StoryFactory(chapter=open_chapter, title="Van een ander")
    client.force_login(author.user)
    html = client.get(reverse("stories:mine")).content.decode()
    for label in ("Concept", "Wacht op een curator", "Gepubliceerd", "Uitgelicht", "Verborgen"):
        assert label in html
    assert "Van een ander" not in html


def test_latest_lists_published_stories_newest_first(client, chapters):
    StoryFactory(chapter=chapters[0], title="Ouder verhaal")
    StoryFactory(chapter=chapters[1], title="Nieuwer verhaal")
    StoryFactory(chapter=chapters[2], title="Voor leden")
    StoryFactory(chapter=chapters[0], title="Nog niet", status=Status.PENDING)
    html = client.get(reverse("stories:latest")).content.decode()
    assert html.index("Nieuwer verhaal") < html.index("Ouder verhaal")
    assert "Voor leden" not in html and "Nog niet" not in html


def test_latest_filters_by_chapter_theme_and_municipality(client, chapters):
    theme = ThemeFactory(name="Groen", slug="groen")
    StoryFactory(chapter=chapters[0], title="Eerste hoofdstuk", municipality="Zwolle")
    StoryFactory(chapter=chapters[1], title="Tweede hoofdstuk").themes.add(theme)
    url = reverse("stories:latest")
    html = client.get(url, {"hoofdstuk": chapters[0].slug}).content.decode()
    assert "Eerste hoofdstuk" in html and "Tweede hoofdstuk" not in html
    html = client.get(url, {"thema": "groen"}).content.decode()
    assert "Tweede hoofdstuk" in html and "Eerste hoofdstuk" not in html
    html = client.get(url, {"gemeente": "zwolle"}).content.decode()
    assert "Eerste hoofdstuk" in html and "Tweede hoofdstuk" not in html


def test_latest_filters_by_the_authors_role(client, chapters):
    resident = StoryFactory(chapter=chapters[0], title="Van een inwoner")
    StoryFactory(chapter=chapters[0], title="Van iemand anders")
    ProfileFactory(membership=resident.author, role=Role.RESIDENT)
    response = client.get(reverse("stories:latest"), {"rol": Role.RESIDENT})
    assert [story.title for story in response.context["page"].object_list] == [resident.title]


def test_latest_does_not_offer_members_chapters_filter_to_get_around_access(client, chapters):
    StoryFactory(chapter=chapters[2], title="Voor leden")
    html = client.get(reverse("stories:latest"), {"hoofdstuk": chapters[2].slug}).content
    assert "Voor leden" not in html.decode()


# ---- Reactions -------------------------------------------------------------------------


def test_reaction_without_javascript_redirects_to_the_story_anchor(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:react", args=[story.pk])
    next_url = open_chapter.get_absolute_url() + "?verhalen=1"
    response = member_client.post(url, {"kind": "herkenbaar", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == f"{next_url}#verhaal-{story.pk}"
    assert Reaction.objects.filter(story=story, kind="herkenbaar").count() == 1
    pressed = attributes(
        member_client.get(story.get_absolute_url()), "button.reaction", "aria-pressed"
    )
    assert pressed == ["true", "false"]  # herkenbaar given, dank not


def test_reaction_refuses_a_foreign_next_url(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    response = member_client.post(
        reverse("stories:react", args=[story.pk]),
        {"kind": "dank", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"{story.get_absolute_url()}#verhaal-{story.pk}"


def test_reaction_with_fetch_returns_counts_and_toggles(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    ReactionFactory(story=story, member=MembershipFactory(), kind="dank")
    url = reverse("stories:react", args=[story.pk])
    first = member_client.post(url, {"kind": "dank"}, headers=FETCH)
    assert first.status_code == 200
    data = json.loads(first.content)
    assert data["given"] is True and data["counts"] == {"herkenbaar": 0, "dank": 2}
    assert data["message"]
    second = json.loads(member_client.post(url, {"kind": "dank"}, headers=FETCH).content)
    assert second["given"] is False and second["counts"]["dank"] == 1


def test_reaction_refusals(client, member, user, open_chapter, members_chapter):
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:react", args=[story.pk])
    assert client.post(url, {"kind": "dank"}).status_code == 302  # to login
    client.force_login(user)
    assert client.post(url, {"kind": "dank"}).status_code == 403  # not a member
    client.force_login(member)
    assert client.post(url, {"kind": "boos"}, headers=FETCH).status_code == 400
    pending = StoryFactory(chapter=open_chapter, status=Status.PENDING)
    assert (
        client.post(reverse("stories:react", args=[pending.pk]), {"kind": "dank"}).status_code
        == 404
    )
    assert client.get(url).status_code == 405
    assert not Reaction.objects.exists()


def test_anonymous_readers_see_counts_but_no_buttons(client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    ReactionFactory(story=story, member=MembershipFactory(), kind="herkenbaar")
    response = client.get(story.get_absolute_url())
    assert texts(response, ".reactions__counts span") == ["Herkenbaar: 1", "Dank je wel: 0"]
    assert not select(response, "button.reaction")


# ---- Replies ---------------------------------------------------------------------------


def test_member_replies_to_a_story(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    response = member_client.post(reverse("stories:reply", args=[story.pk]), {"body": "Mooi!"})
    reply = Reply.objects.get()
    assert response["Location"] == f"{story.get_absolute_url()}#reactie-{reply.pk}"
    assert "Mooi!" in member_client.get(story.get_absolute_url()).content.decode()


def test_reply_rate_limit_keeps_the_text(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:reply", args=[story.pk])
    for n in range(writing.NEW_MEMBER_REPLIES_PER_HOUR):
        member_client.post(url, {"body": f"Reactie {n}"})
    response = member_client.post(url, {"body": "Nog eentje dan"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "al 10 reacties geplaatst" in html and "Nog eentje dan" in html


def test_author_edits_and_deletes_their_reply(client, open_chapter):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter))
    client.force_login(reply.author.user)
    client.post(reverse("stories:reply_edit", args=[reply.pk]), {"body": "Verbeterd"})
    reply.refresh_from_db()
    assert "Verbeterd" in reply.body_html and reply.edited
    client.post(reverse("stories:reply_delete", args=[reply.pk]))
    assert not Reply.objects.exists()
    html = client.get(reply.story.get_absolute_url()).content.decode()
    assert "Verbeterd" not in html and "Nog geen reacties" in html


@pytest.mark.parametrize("name", ["stories:reply_edit", "stories:reply_delete"])
def test_others_cannot_change_a_reply(client, other_client, open_chapter, name):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter), body="Origineel")
    url = reverse(name, args=[reply.pk])
    assert other_client.post(url, {"body": "Gekaapt"}).status_code == 403
    assert client.post(url, {"body": "Gekaapt"}).status_code == 302  # to login
    assert Reply.objects.get(pk=reply.pk).body == "Origineel"


def test_hidden_reply_is_shown_to_its_author_only(client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    reply = ReplyFactory(story=story, body="Verstopte reactie", is_hidden=True)
    assert "Verstopte reactie" not in client.get(story.get_absolute_url()).content.decode()
    client.force_login(reply.author.user)
    assert "Verstopte reactie" in client.get(story.get_absolute_url()).content.decode()


# ---- Reports ---------------------------------------------------------------------------


def test_member_reports_a_story_once(member_client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    url = reverse("stories:report", args=[story.pk])
    assert member_client.get(url).status_code == 200
    member_client.post(url, {"reason": "Dit is reclame"})
    response = member_client.post(url, {"reason": "Nog eens"}, follow=True)
    assert Report.objects.count() == 1
    assert "al gemeld" in response.content.decode()


def test_member_reports_a_reply(member_client, open_chapter):
    reply = ReplyFactory(story=StoryFactory(chapter=open_chapter))
    member_client.post(reverse("stories:reply_report", args=[reply.pk]), {"reason": "Grof"})
    assert Report.objects.get().reply == reply


# ---- Feeds -------------------------------------------------------------------------------


def test_book_feed_has_only_open_chapter_stories_for_anonymous(client, chapters):
    StoryFactory(chapter=chapters[0], title="Open verhaal", body="Het **bankje**.")
    StoryFactory(chapter=chapters[2], title="Leden verhaal")
    StoryFactory(chapter=chapters[0], title="Wachtend verhaal", status=Status.PENDING)
    response = client.get(reverse("stories:feed"))
    xml = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Open verhaal" in xml and "&lt;strong&gt;bankje&lt;/strong&gt;" in xml
    assert "Leden verhaal" not in xml and "Wachtend verhaal" not in xml


def test_chapter_feed(client, member, chapters):
    StoryFactory(chapter=chapters[0], title="Bij hoofdstuk een")
    StoryFactory(chapter=chapters[1], title="Bij hoofdstuk twee")
    StoryFactory(chapter=chapters[2], title="Bij ledenhoofdstuk")
    xml = client.get(reverse("stories:chapter_feed", args=[chapters[0].slug])).content.decode()
    assert "Bij hoofdstuk een" in xml and "Bij hoofdstuk twee" not in xml
    members_feed = reverse("stories:chapter_feed", args=[chapters[2].slug])
    assert "Bij ledenhoofdstuk" not in client.get(members_feed).content.decode()
    client.force_login(member)
    assert "Bij ledenhoofdstuk" in client.get(members_feed).content.decode()


# ---- Admin -------------------------------------------------------------------------------


def test_curator_approves_and_hides_with_a_reason_in_the_admin(client, open_chapter):
    from tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    story = StoryFactory(chapter=open_chapter, status=Status.PENDING, published_at=None)
    changelist = reverse("admin:stories_story_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    asked = client.post(changelist, {"action": "hide", "_selected_action": [story.pk]})
    assert asked.status_code == 200 and "Reden" in asked.content.decode()
    client.post(
        changelist,
        {"action": "hide", "_selected_action": [story.pk], "apply": "1", "reason": "Reclame"},
    )
    story.refresh_from_db()
    assert story.status == Status.HIDDEN and story.hidden_reason == "Reclame"


def test_author_is_named_by_profile_or_member_number(client, open_chapter):
    story = StoryFactory(chapter=open_chapter)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f"Lid nr. {story.author.number}" in html
    ProfileFactory(membership=story.author, display_name="Fatima")
    chapter_stories_changed(chapters=[open_chapter])  # as members.services.profile_update
    assert "Fatima" in client.get(story.get_absolute_url()).content.decode()


def test_story_of_a_member_who_left_stays_anonymised(client, open_chapter):
    story = StoryFactory(chapter=open_chapter, title="Blijft staan")
    story.author.delete()
    html = client.get(story.get_absolute_url()).content.decode()
    assert "Blijft staan" in html and "Een oud-lid" in html
