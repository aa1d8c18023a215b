"""Uploads go only to who may see their page (community.media_views): each kind of
upload against the visitors that page's rule lets in, the cache headers that follow,
the X-Accel-Redirect answer for nginx, and names that are no upload's name."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from book.models import Access
from core.media import upload_name
from editions.services import edition_create, edition_publish
from members.models import Visibility
from stories.models import Status, Story
from tests.factories import (
    ChapterFactory,
    MembershipFactory,
    ProfileFactory,
    StoryFactory,
    UserFactory,
)
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "non_member", "member", "author", "curator"]
JPEG = b"\xff\xd8\xff\xe0 not really a photo, but the bytes that were stored \xff\xd9"


def stored(name: str, data: bytes = JPEG) -> str:
    """A file in the storage, as an upload puts it there; its name as stored."""
    return default_storage.save(name, ContentFile(data))


@pytest.fixture
def author(db):
    return MembershipFactory()


@pytest.fixture
def people(author, curator):
    return {
        "anonymous": None,
        "non_member": UserFactory(),
        "member": MembershipFactory().user,
        "author": author.user,
        "curator": curator,
    }


@pytest.fixture
def visit(client, people):
    """GET `url` as one of WHO."""

    def get(who: str, url: str):
        client.logout()
        if people[who] is not None:
            client.force_login(people[who])
        return client.get(url)

    return get


def url(name: str) -> str:
    return default_storage.url(name)


def assert_sent(response, data: bytes = JPEG) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == data


# ---- Story photos -------------------------------------------------------------------

STORY_CASES = {
    "pending": (Status.PENDING, Access.OPEN, {"author", "curator"}),
    "hidden": (Status.HIDDEN, Access.OPEN, {"author", "curator"}),
    "members_only_chapter": (Status.PUBLISHED, Access.MEMBERS, {"member", "author", "curator"}),
    "public": (Status.PUBLISHED, Access.OPEN, set(WHO)),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("case", STORY_CASES)
def test_a_story_photo_goes_to_who_may_see_the_story(visit, author, case, who):
    status, access, allowed = STORY_CASES[case]
    story = StoryFactory(
        author=author,
        status=status,
        chapter=ChapterFactory(access=access),
        photo=stored("stories/foto.jpg"),
        thumbnail=stored("stories/foto-thumb.jpg"),
    )
    for name in (story.photo.name, story.thumbnail.name):
        response = visit(who, url(name))
        if who in allowed:
            assert_sent(response)
        else:
            assert response.status_code == 404, (name, who)


def test_a_photo_everyone_may_see_is_cacheable_for_an_hour(visit, author):
    story = StoryFactory(author=author, photo=stored("stories/open.jpg"))
    for who in ("anonymous", "member"):
        response = visit(who, story.photo.url)
        assert_sent(response)
        assert response["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("who", ["member", "author", "curator"])
def test_a_restricted_photo_is_private_and_not_stored(visit, author, who):
    story = StoryFactory(
        author=author,
        chapter=ChapterFactory(access=Access.MEMBERS),
        photo=stored("stories/leden.jpg"),
    )
    response = visit(who, story.photo.url)
    assert_sent(response)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_an_upload_is_never_run_as_a_page(visit, author):
    story = StoryFactory(author=author, photo=stored("stories/open.jpg"))
    response = visit("anonymous", story.photo.url)
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


# ---- Profile photos -----------------------------------------------------------------

PROFILE_CASES = {
    "hidden": (Visibility.HIDDEN, {"author"}),
    "name_only": (Visibility.NAME, {"author"}),
    "full": (Visibility.FULL, {"member", "author", "curator"}),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("case", PROFILE_CASES)
def test_a_profile_photo_goes_where_the_directory_shows_it(visit, author, case, who):
    """The member's own photo is theirs to see (the profile form); others see it where
    "Wie zijn er lid?" shows it: full profiles, to members and curators."""
    visibility, allowed = PROFILE_CASES[case]
    profile = ProfileFactory(
        membership=author,
        visibility=visibility,
        photo=stored("profiles/gezicht.jpg"),
        thumbnail=stored("profiles/gezicht-thumb.jpg"),
    )
    for name in (profile.photo.name, profile.thumbnail.name):
        response = visit(who, url(name))
        if who in allowed:
            assert_sent(response)
            assert "private" in response["Cache-Control"]
        else:
            assert response.status_code == 404, (name, who)


def test_who_may_view_profiles_in_the_admin_sees_a_hidden_photo(client, author):
    profile = ProfileFactory(
        membership=author, visibility=Visibility.HIDDEN, thumbnail=stored("profiles/t.jpg")
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert_sent(client.get(profile.thumbnail.url))


def test_a_former_members_photo_is_nobodys(visit, author):
    profile = ProfileFactory(
        membership=author, visibility=Visibility.FULL, photo=stored("profiles/weg.jpg")
    )
    author.user = None
    author.save()
    assert visit("member", profile.photo.url).status_code == 404


# ---- Chapters and editions ----------------------------------------------------------


@pytest.fixture
def members_edition(book, curator, author):
    """A published edition of a book with an open chapter and a members-only chapter,
    each illustrated, and a story of `author` under the members-only chapter."""
    book.cover.save("omslag.jpg", ContentFile(JPEG), save=True)
    open_chapter = ChapterFactory(book=book, number=1, access=Access.OPEN)
    members_chapter = ChapterFactory(book=book, number=2, access=Access.MEMBERS)
    for chapter in (open_chapter, members_chapter):
        chapter.illustration.save("tekening.jpg", ContentFile(JPEG), save=True)
    StoryFactory(author=author, chapter=members_chapter)
    edition = edition_create(label="Tussenstand 2027", curator=curator)
    return edition_publish(edition=edition, curator=curator)


@pytest.mark.parametrize("who", WHO)
def test_an_edition_illustration_follows_the_edition_chapters_access(visit, members_edition, who):
    open_copy, members_copy = members_edition.chapters.order_by("number")
    assert members_copy.illustration.name.startswith("editions/")
    response = visit(who, members_copy.illustration.url)
    if who in {"member", "author", "curator"}:
        assert_sent(response)
        assert "private" in response["Cache-Control"]
    else:
        assert response.status_code == 404
    for public in (open_copy.illustration, members_edition.cover):
        response = visit(who, public.url)
        assert_sent(response)
        assert response["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("who", WHO)
def test_a_chapter_illustration_follows_the_chapters_access(visit, book, who):
    members = ChapterFactory(book=book, access=Access.MEMBERS)
    draft = ChapterFactory(book=book, access=Access.OPEN, is_published=False)
    for chapter in (members, draft):
        chapter.illustration.save("tekening.jpg", ContentFile(JPEG), save=True)
    assert (visit(who, members.illustration.url).status_code == 200) == (
        who in {"member", "author", "curator"}
    )
    assert (visit(who, draft.illustration.url).status_code == 200) == (who == "curator")


def test_the_book_cover_is_for_everyone(visit, book):
    book.cover.save("omslag.jpg", ContentFile(JPEG), save=True)
    assert_sent(visit("anonymous", book.cover.url))


# ---- Names that are no upload -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/media/stories/../../geheim.txt",
        "/media/stories/%2e%2e/%2e%2e/geheim.txt",
        "/media/stories/..%2f..%2fgeheim.txt",
        "/media/stories/..%5c..%5cgeheim.txt",
        "/media//geheim.txt",
        "/media/stories/./foto.jpg",
        "/media/stories//foto.jpg",
        "/media/stories/foto.jpg%00.png",
    ],
)
def test_a_path_out_of_the_uploads_is_refused(visit, settings, author, path):
    (settings.MEDIA_ROOT.parent / "geheim.txt").write_text("niet voor jou")
    StoryFactory(author=author, photo=stored("stories/foto.jpg"))
    for who in ("anonymous", "curator"):
        assert visit(who, path).status_code == 404, (who, path)


def test_a_row_naming_a_path_out_of_the_uploads_opens_nothing(visit, settings, author):
    """Names are checked before any lookup: not even a row that somehow holds such a
    name (a hand-made import, a bug) makes the file reachable."""
    (settings.MEDIA_ROOT.parent / "geheim.txt").write_text("niet voor jou")
    story = StoryFactory(author=author)
    Story.objects.filter(pk=story.pk).update(photo="stories/../../geheim.txt")
    assert visit("author", "/media/stories/../../geheim.txt").status_code == 404


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("stories/foto.jpg", "stories/foto.jpg"),
        ("editions/tussenstand/foto.jpg", "editions/tussenstand/foto.jpg"),
        ("stories/../foto.jpg", None),
        ("stories/./foto.jpg", None),
        ("/etc/passwd", None),
        ("stories\\foto.jpg", None),
        ("stories/foto.jpg\x00", None),
        ("stories/", None),
        ("", None),
    ],
)
def test_upload_name(path, name):
    assert upload_name(path) == name


def test_a_missing_file_or_a_name_no_page_holds_is_a_404(visit, author, settings):
    story = StoryFactory(author=author, photo=stored("stories/weg.jpg"))
    default_storage.delete(story.photo.name)
    stored("elders/los.jpg")
    stored("stories/van-niemand.jpg")
    for path in (story.photo.url, "/media/elders/los.jpg", "/media/stories/van-niemand.jpg"):
        assert visit("curator", path).status_code == 404, path


def test_looking_at_uploads_changes_nothing(client, author, members_edition):
    story = StoryFactory(author=author, photo=stored("stories/open.jpg"))
    client.force_login(author.user)
    assert_safe_requests_change_nothing(
        client, [story.photo.url, members_edition.cover.url, "/media/stories/geen.jpg"]
    )


# ---- Behind nginx -------------------------------------------------------------------


def test_behind_nginx_django_only_decides_and_names_the_internal_location(visit, settings, author):
    settings.SERVE_MEDIA = False
    story = StoryFactory(author=author, status=Status.PENDING, photo=stored("stories/wacht.jpg"))
    response = visit("author", story.photo.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/media-internal/{story.photo.name}"
    assert response["Content-Type"] == "image/jpeg"
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response.content == b""

    refused = visit("member", story.photo.url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    default_storage.delete(story.photo.name)
    missing = visit("author", story.photo.url)
    assert missing.status_code == 404 and "X-Accel-Redirect" not in missing
