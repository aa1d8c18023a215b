"""Every address that names an object, tried by someone it does not belong to: another
member, a visitor, an account without a copy and a curator. Refusals are a 404 (cannot
see it), a 403 (can see it, not theirs to change) or the login page; and whatever the
answer, nothing of the owner's is in it."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from book.models import Access
from editions.services import edition_create, edition_publish, edition_stories_choose
from members import services as member_services
from members.models import ClaimCode, Invitation, Membership
from organisations.models import Kind, Organisation
from stories import notifications
from stories.models import NotificationSettings, Reply, Status, Story
from tests.factories import (
    AffiliationFactory,
    ChapterFactory,
    ClaimCodeFactory,
    EditionFactory,
    MembershipFactory,
    OrganisationFactory,
    ReplyFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Verborgen Veronica"
SECRET_PLACE = "Geheimstad"
SECRET_INVITEE = "Tante Truus uit Lutjebroek"


@pytest.fixture
def owned(cast, chapters):
    """What the author owns: a profile, an invitation, stories in every state, a reply."""
    membership = cast.author_user.membership
    member_services.profile_update(
        membership=membership,
        display_name=SECRET_NAME,
        role="",
        bio="Mijn geheime bio.",
        visibility="name",
    )
    AffiliationFactory(
        membership=membership,
        organisation=OrganisationFactory(name=SECRET_PLACE, kind=Kind.MUNICIPALITY),
        public=False,
    )
    member_services.invitation_create(membership=membership, name=SECRET_INVITEE)
    stories = {
        status: StoryFactory(
            chapter=chapters[0],
            author=membership,
            title=f"Verhaal dat {status} is",
            body=f"Tekst van het verhaal dat {status} is.",
            status=status,
        )
        for status in (Status.DRAFT, Status.PENDING, Status.HIDDEN, Status.PUBLISHED)
    }
    Story.objects.filter(status__in=[Status.DRAFT, Status.PENDING]).update(published_at=None)
    reply = ReplyFactory(
        story=stories[Status.PUBLISHED], author=membership, body="Reactie van de auteur."
    )
    return {"stories": stories, "reply": reply, "membership": membership}


def _login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def _refused(response, *statuses):
    return response.status_code in statuses or _login_redirect(response)


def _body(response) -> str:
    return response.content.decode(errors="replace")


def _no_secrets(response, *secrets):
    body = _body(response)
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked into {response.request['PATH_INFO']}"


# ---- Stories and replies ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["other", "outsider", "curator", "anonymous"])
@pytest.mark.parametrize("url_name", ["stories:edit", "stories:delete"])
def test_someone_elses_story_cannot_be_edited_or_deleted(cast, owned, who, url_name):
    client = getattr(cast, who)
    story = owned["stories"][Status.PUBLISHED]
    url = reverse(url_name, args=[story.pk])
    expected = (302,) if who == "anonymous" else (403,)
    get = client.get(url)
    post = client.post(
        url, {"title": "Overgenomen", "body": "Weg ermee", "action": "submit", "submission_key": ""}
    )
    assert get.status_code in expected and post.status_code in expected, (get, post)
    if who == "anonymous":
        assert _login_redirect(get) and _login_redirect(post)
    _no_secrets(get, "Tekst van het verhaal")
    story.refresh_from_db()
    assert story.title == "Verhaal dat published is" and story.status == Status.PUBLISHED


@pytest.mark.parametrize("who", ["other", "outsider", "curator", "admin", "anonymous"])
def test_someone_elses_co_authorship_cannot_be_seen_or_ended(cast, owned, who):
    """Only the author takes a co-author off, only the co-author withdraws."""
    client = getattr(cast, who)
    story = owned["stories"][Status.PUBLISHED]
    coauthor = MembershipFactory()
    story.coauthors.add(coauthor)
    for response in (
        client.get(reverse("story_coauthors", args=[story.pk])),
        client.post(reverse("story_coauthor_withdraw", args=[story.pk])),
        client.post(reverse("story_coauthor_remove", args=[story.pk, coauthor.pk])),
    ):
        assert response.status_code == 404 or (who == "anonymous" and _login_redirect(response))
        _no_secrets(response, SECRET_NAME, "Verhaal dat published is")
    assert list(story.coauthors.all()) == [coauthor]


@pytest.mark.parametrize("who", ["other", "outsider", "curator", "anonymous"])
@pytest.mark.parametrize("url_name", ["stories:reply_edit", "stories:reply_delete"])
def test_someone_elses_reply_cannot_be_edited_or_deleted(cast, owned, who, url_name):
    client = getattr(cast, who)
    reply = owned["reply"]
    url = reverse(url_name, args=[reply.pk])
    get = client.get(url)
    post = client.post(url, {"body": "Overgenomen"})
    expected = (302,) if who == "anonymous" else (403,)
    assert get.status_code in expected and post.status_code in expected, (get, post)
    reply.refresh_from_db()
    assert reply.body == "Reactie van de auteur."
    assert Reply.objects.filter(pk=reply.pk).exists()


@pytest.mark.parametrize("who", ["other", "outsider", "anonymous"])
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.HIDDEN])
def test_unpublished_stories_are_not_found_by_others(cast, owned, who, status):
    client = getattr(cast, who)
    story = owned["stories"][status]
    for url in (
        story.get_absolute_url(),
        reverse("stories:redirect", args=[story.pk]),
        reverse("stories:edit", args=[story.pk]),
        reverse("stories:report", args=[story.pk]),
    ):
        response = client.get(url)
        assert _refused(response, 404), (url, response.status_code)
        _no_secrets(response, story.title, story.body)
    for url in (
        reverse("stories:reply", args=[story.pk]),
        reverse("stories:react", args=[story.pk]),
    ):
        response = client.post(url, {"body": "Hallo", "kind": "dank"})
        assert _refused(response, 403, 404), (url, response.status_code)
    assert not story.replies.exists() and not story.reactions.exists()


def test_curators_see_pending_and_hidden_stories_but_never_drafts(cast, owned):
    stories = owned["stories"]
    assert cast.curator.get(stories[Status.PENDING].get_absolute_url()).status_code == 200
    assert cast.curator.get(stories[Status.HIDDEN].get_absolute_url()).status_code == 200
    draft = cast.curator.get(stories[Status.DRAFT].get_absolute_url())
    assert draft.status_code == 404
    _no_secrets(draft, stories[Status.DRAFT].body)
    # The author sees all of their own.
    for story in stories.values():
        assert cast.author.get(story.get_absolute_url()).status_code == 200


def test_my_stories_lists_only_my_own(cast, owned):
    html = _body(cast.other.get(reverse("stories:mine")))
    for story in owned["stories"].values():
        if story.status != Status.PUBLISHED:
            assert story.title not in html


def test_a_member_cannot_moderate(cast, owned):
    pending = owned["stories"][Status.PENDING]
    for client in (cast.other, cast.author, cast.outsider):
        assert client.get(reverse("stories:moderation_queue")).status_code == 403
        assert client.get(reverse("stories:moderation_log")).status_code == 403
        response = client.post(
            reverse("stories:moderation_decide"),
            {"target": f"story:{pending.pk}", "action": "approve"},
        )
        assert response.status_code == 403
        response = client.post(
            reverse("stories:moderation_bulk"),
            {"items": [f"story:{pending.pk}"], "action": "approve"},
        )
        assert response.status_code == 403
    assert _login_redirect(cast.anonymous.get(reverse("stories:moderation_queue")))
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


# ---- Membership, profile, card, invitations ----------------------------------------------


def test_membership_page_and_invitations_are_the_members_own(cast, owned):
    page = cast.other.get(reverse("members:mine"))
    assert page.status_code == 200
    _no_secrets(page, SECRET_INVITEE, SECRET_NAME)
    # An invitation made by another member is theirs, never added to the author's list.
    cast.other.post(
        reverse("members:invitation_create"),
        {"name": "Van de ander", "membership": owned["membership"].pk},
    )
    assert list(
        Invitation.objects.filter(created_by=owned["membership"]).values_list("name", flat=True)
    ) == [SECRET_INVITEE]
    assert Invitation.objects.get(name="Van de ander").created_by == cast.other_user.membership
    # Without a copy there is no membership page; a visitor goes to the login page.
    assert cast.outsider.get(reverse("members:mine")).status_code == 302
    assert _login_redirect(cast.anonymous.get(reverse("members:mine")))
    assert _login_redirect(cast.anonymous.post(reverse("members:invitation_create"), {"name": "x"}))


@pytest.mark.parametrize("query", ["", "?pk={pk}", "?membership={pk}", "?user={user}"])
def test_profile_edit_only_ever_edits_the_own_profile(cast, owned, query):
    url = reverse("members:profile") + query.format(
        pk=owned["membership"].pk, user=cast.author_user.pk
    )
    page = cast.other.get(url)
    _no_secrets(page, SECRET_NAME, SECRET_PLACE)
    cast.other.post(
        url,
        {
            "display_name": "Overgenomen",
            "municipality": "",
            "role": "",
            "bio": "",
            "visibility": "full",
            "membership": owned["membership"].pk,
        },
    )
    owned["membership"].profile.refresh_from_db()
    assert owned["membership"].profile.display_name == SECRET_NAME
    assert cast.other_user.membership.profile.display_name == "Overgenomen"
    assert _login_redirect(cast.anonymous.post(url, {"display_name": "x"}))


def test_card_page_is_private_and_the_shared_link_shows_only_the_card(cast, owned):
    profile = owned["membership"].profile
    mine = _body(cast.other.get(reverse("members:card")))
    assert SECRET_NAME not in mine and profile.card_token not in mine
    assert _login_redirect(cast.anonymous.get(reverse("members:card")))
    # The shared link is public by design: the card, not the rest of the profile.
    shared = cast.anonymous.get(reverse("members:card_shared", args=[profile.card_token]))
    assert shared.status_code == 200 and SECRET_NAME in _body(shared)
    _no_secrets(shared, SECRET_PLACE, "Mijn geheime bio.", cast.author_user.email)
    assert shared.headers.get("X-Robots-Tag") or "noindex" in _body(shared)
    # One character changed (never to itself: a token may end in "x" already).
    last = "y" if profile.card_token.endswith("x") else "x"
    for token in (profile.card_token[:-1] + last, "x" * 32, cast.other_user.membership.pk):
        response = cast.anonymous.get(reverse("members:card_shared", args=[token]))
        assert response.status_code == 404
        _no_secrets(response, SECRET_NAME)
    # Renewing renews the renewer's own link only.
    cast.other.post(reverse("members:card_renew"), {"token": profile.card_token})
    profile.refresh_from_db()
    assert (
        cast.anonymous.get(reverse("members:card_shared", args=[profile.card_token])).status_code
        == 200
    )


def test_directory_is_for_members_and_keeps_name_only_profiles_to_a_name(cast, owned):
    visitor = cast.anonymous.get(reverse("directory"))
    _no_secrets(visitor, SECRET_NAME)
    outsider = cast.outsider.get(reverse("directory"))
    _no_secrets(outsider, SECRET_NAME)
    member = cast.other.get(reverse("directory"))
    # Visibility "name" and a private affiliation: the name shows, the place does not,
    # and filtering by the place does not find them.
    body = _body(member)
    assert SECRET_NAME in body
    assert SECRET_PLACE not in body and "Mijn geheime bio." not in body
    place = Organisation.objects.get(name=SECRET_PLACE)
    filtered = cast.other.get(reverse("directory"), {"organisatie": place.pk})
    assert SECRET_NAME not in _body(filtered)


# ---- Personal data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["", "?user={user}", "?pk={user}", "?id={user}", "?membership={membership}"]
)
def test_data_download_is_always_the_logged_in_users_own(cast, owned, query):
    url = reverse("data_download") + query.format(
        user=cast.author_user.pk, membership=owned["membership"].pk
    )
    response = cast.other.get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    export = json.loads(archive.read("gegevens.json"))
    assert export["account"]["email"] == cast.other_user.email
    # Every file of the zip, unpacked: the deflated bytes would hide a leak.
    unpacked = "".join(archive.read(name).decode(errors="replace") for name in archive.namelist())
    for secret in (
        cast.author_user.email,
        SECRET_NAME,
        SECRET_INVITEE,
        *(story.title for story in owned["stories"].values()),
    ):
        assert secret not in unpacked, f"{secret!r} leaked into the data download"
    assert response["Cache-Control"].count("no-store") == 1
    assert _login_redirect(cast.anonymous.get(url))


@pytest.mark.parametrize("query", ["", "?user={user}"])
def test_account_delete_cannot_reach_another_account(cast, owned, query):
    url = reverse("account_delete") + query.format(user=cast.author_user.pk)
    page = cast.other.get(url)
    _no_secrets(page, cast.author_user.email, SECRET_NAME)
    response = cast.other.post(
        url, {"email": cast.author_user.email, "stories": "keep", "user": cast.author_user.pk}
    )
    assert response.status_code == 200  # the form again: that is not their address
    User = get_user_model()
    assert User.objects.filter(pk=cast.author_user.pk).exists()
    assert User.objects.filter(pk=cast.other_user.pk).exists()
    assert _login_redirect(cast.anonymous.post(url, {"email": cast.author_user.email}))
    assert User.objects.filter(pk=cast.author_user.pk).exists()


def test_account_data_page_is_private(cast, owned):
    assert _login_redirect(cast.anonymous.get(reverse("data")))
    _no_secrets(cast.other.get(reverse("data")), cast.author_user.email, SECRET_NAME)


# ---- E-mail settings and unsubscribe links -------------------------------------------------


def _settings(membership) -> NotificationSettings:
    return NotificationSettings.objects.filter(membership=membership).first()


def test_notification_settings_change_only_the_own(cast, owned):
    response = cast.other.post(
        reverse("stories:notifications") + f"?membership={owned['membership'].pk}",
        {"membership": owned["membership"].pk, "story_updates": "", "replies": "", "digest": ""},
    )
    assert response.status_code == 302
    assert _settings(owned["membership"]) is None  # never made, so still every e-mail
    theirs = _settings(cast.other_user.membership)
    assert not (theirs.story_updates or theirs.replies or theirs.digest)
    assert cast.outsider.get(reverse("stories:notifications")).status_code == 403
    assert _login_redirect(cast.anonymous.get(reverse("stories:notifications")))


def test_an_unsubscribe_token_affects_only_the_membership_it_was_made_for(cast, owned):
    victim = owned["membership"]
    other = cast.other_user.membership
    token = notifications.unsubscribe_token(membership=other, kind="replies")
    url = reverse("stories:unsubscribe", args=["replies", token])
    # Opened while logged in as someone else: still the token's member, and only them.
    page = cast.author.get(url)
    assert page.status_code == 200
    _no_secrets(page, SECRET_NAME, cast.author_user.email)
    assert cast.author.post(url).status_code == 200
    assert _settings(other).replies is False
    assert _settings(victim) is None
    assert _settings(other).digest and _settings(other).story_updates


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(token.split(":")[0], "999", 1),
        lambda token: "1:" + token.split(":", 1)[1],
        lambda token: "x",
    ],
    ids=["signature", "other-pk", "swapped-pk", "garbage"],
)
def test_a_tampered_unsubscribe_token_is_refused(cast, owned, mangle):
    token = notifications.unsubscribe_token(membership=owned["membership"], kind="digest")
    response = cast.anonymous.post(
        reverse("stories:unsubscribe", args=["digest", mangle(token)]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 400
    assert _settings(owned["membership"]) is None


def test_a_token_for_one_kind_of_mail_does_not_switch_off_another(cast, owned):
    token = notifications.unsubscribe_token(membership=owned["membership"], kind="replies")
    for kind in ("digest", "story_updates", "nonsense"):
        response = cast.anonymous.post(
            reverse("stories:unsubscribe", args=[kind, token]), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 400
    assert _settings(owned["membership"]) is None


# ---- Curators' exports and drafts ----------------------------------------------------------


@pytest.fixture
def batch(db):
    return ClaimCodeFactory().batch


@pytest.mark.parametrize(
    "export", ["admin:members_codebatch_csv", "admin:members_codebatch_labels"]
)
def test_code_batch_exports_are_for_staff_with_the_permission(cast, batch, export):
    code = ClaimCode.objects.get(batch=batch).display
    url = reverse(export, args=[batch.pk])
    for who in ("anonymous", "author", "outsider"):
        response = getattr(cast, who).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        _no_secrets(response, code)
    staff_without_permission = UserFactory(is_staff=True)
    cast.other.force_login(staff_without_permission)
    response = cast.other.get(url)
    assert response.status_code == 403
    _no_secrets(response, code)
    for who in ("curator", "admin"):
        response = getattr(cast, who).get(url)
        assert response.status_code == 200 and code in _body(response)


@pytest.mark.parametrize("table", ["leden-per-gemeente", "bestaat-niet"])
def test_statistics_csv_is_for_curators(cast, table, owned):
    url = reverse("statistics_csv", args=[table])
    assert _login_redirect(cast.anonymous.get(url))
    for who in ("author", "other", "outsider"):
        response = getattr(cast, who).get(url)
        assert response.status_code == 403
        _no_secrets(response, SECRET_PLACE)
    assert cast.curator.get(url).status_code == (200 if table != "bestaat-niet" else 404)
    staff = UserFactory(is_staff=True)
    cast.other.force_login(staff)
    assert cast.other.get(url).status_code == 403
    assert cast.other.get(reverse("statistics")).status_code == 403


def test_edition_drafts_are_for_curators(cast, book, chapters):
    edition = EditionFactory(book=book, label="Geheime Conceptuitgave", notes="Interne notitie")
    draft_urls = [
        reverse("editions:edition_list"),
        reverse("editions:edition_curate", args=[edition.slug]),
    ]
    public_urls = [
        edition.get_absolute_url(),
        reverse("editions:edition_chapter", args=[edition.slug, chapters[0].slug]),
        reverse("editions:edition_print", args=[edition.slug]),
        reverse("editions:edition_print_css", args=[edition.slug]),
        reverse("editions:edition_epub", args=[edition.slug]),
    ]
    for who in ("anonymous", "author", "outsider"):
        client = getattr(cast, who)
        for url in draft_urls:
            response = client.get(url)
            assert _refused(response, 403), (who, url, response.status_code)
            _no_secrets(response, "Interne notitie", "Geheime Conceptuitgave")
        response = client.post(reverse("editions:edition_publish", args=[edition.slug]))
        assert _refused(response, 403)
        response = client.post(reverse("editions:edition_list"), {"label": "Door een lid"})
        assert _refused(response, 403)
    # Even a curator gets no public page of a draft: it does not exist until published.
    for who in ("anonymous", "author", "curator"):
        for url in public_urls:
            assert getattr(cast, who).get(url).status_code == 404, (who, url)
    edition.refresh_from_db()
    assert not edition.is_published
    assert not edition.__class__.objects.filter(label="Door een lid").exists()
    for url in draft_urls:
        assert cast.curator.get(url).status_code == 200


def test_epub_for_visitors_leaves_out_members_only_chapters_and_their_stories(cast, book, chapters):
    members_chapter = next(c for c in chapters if c.access == Access.MEMBERS)
    members_chapter.body = "Alleen voor leden: het geheime recept."
    members_chapter.save()
    open_story = StoryFactory(chapter=chapters[0], status=Status.FEATURED, title="Open verhaal")
    members_story = StoryFactory(
        chapter=members_chapter,
        status=Status.FEATURED,
        title="Verhaal voor leden",
        body="Het ledenverhaal met een geheim.",
    )
    edition = edition_create(label="Uitgave 2030", curator=cast.curator_user)
    edition_stories_choose(
        edition=edition, stories=[open_story, members_story], curator=cast.curator_user
    )
    edition = edition_publish(edition=edition, curator=cast.curator_user)

    def text_of(client) -> str:
        response = client.get(reverse("editions:edition_epub", args=[edition.slug]))
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xhtml", ".html", ".opf", ".ncx"))
            )

    for who in ("anonymous", "outsider"):
        text = text_of(getattr(cast, who))
        assert "Open verhaal" in text
        assert "het geheime recept" not in text and "ledenverhaal" not in text, who
    text = text_of(cast.author)
    assert "het geheime recept" in text and "ledenverhaal" in text
    # The same holds for the chapter page and the print page of the edition.
    chapter_url = reverse("editions:edition_chapter", args=[edition.slug, members_chapter.slug])
    for url in (chapter_url, reverse("editions:edition_print", args=[edition.slug])):
        _no_secrets(cast.anonymous.get(url), "het geheime recept", "ledenverhaal")


def test_members_only_chapter_and_its_stories_stay_closed_to_visitors(cast, chapters):
    members_chapter = ChapterFactory(
        book=chapters[0].book, number=9, access=Access.MEMBERS, body="Geheime hoofdstuktekst."
    )
    story = StoryFactory(chapter=members_chapter, body="Verhaal onder een ledenhoofdstuk.")
    for client in (cast.anonymous, cast.outsider):
        page = client.get(members_chapter.get_absolute_url())
        _no_secrets(page, "Geheime hoofdstuktekst", "Verhaal onder een ledenhoofdstuk")
        assert client.get(story.get_absolute_url()).status_code == 404
        feed = client.get(reverse("stories:chapter_feed", args=[members_chapter.slug]))
        _no_secrets(feed, "Verhaal onder een ledenhoofdstuk")
        search = client.get(reverse("stories:search"), {"q": "ledenhoofdstuk"})
        _no_secrets(search, "Verhaal onder een ledenhoofdstuk")
    assert "Geheime hoofdstuktekst" in _body(cast.other.get(members_chapter.get_absolute_url()))
    assert Membership.objects.count() >= 3
