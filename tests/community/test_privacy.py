import io
import json
import os
import re
import tracemalloc
import zipfile
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from book.models import ReadingPosition
from community import privacy
from core.images import process_photo
from core.models import PendingPhoto
from core.pending_photos import pending_photo_keep
from core.sessions import signed_in_session
from members import services
from members.models import (
    How,
    Invitation,
    Membership,
    Profile,
    Role,
    Visibility,
)
from stories.models import (
    Reaction,
    ReactionKind,
    Reply,
    Report,
    Status,
    Story,
)
from tests.factories import (
    ChapterFactory,
    ChapterFollowFactory,
    EmailAddressFactory,
    InvitationFactory,
    MembershipFactory,
    NotificationSettingsFactory,
    ReactionFactory,
    ReadingPositionFactory,
    ReplyFactory,
    ReportFactory,
    StoryFactory,
    UserFactory,
)
from tests.markup import hrefs, texts

pytestmark = pytest.mark.django_db

PRIVACY = "/privacy/"
DATA = "/mijn-gegevens/"
DOWNLOAD = "/mijn-gegevens/download/"
DELETE = "/mijn-gegevens/verwijderen/"
MISMATCH = "Dat is niet het e-mailadres van je account. Typ het precies over."
CHOOSE = "Kies wat er met je verhalen en reacties gebeurt."


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "#1f3a5f").save(buffer, "PNG")
    return process_photo(SimpleUploadedFile("a.png", buffer.getvalue()))


@pytest.fixture
def rich_member(db):
    """A member with something of everything the site keeps about people."""
    inviter = MembershipFactory(number=3)
    user = UserFactory(email="anouk@example.org", first_name="Anouk")
    EmailAddressFactory(user=user, email="anouk@example.org")
    EmailAddressFactory(user=user, email="anouk@werk.example", verified=False, primary=False)
    membership = MembershipFactory(user=user, number=8, how=How.INVITATION, invited_by=inviter)
    services.profile_update(
        membership=membership,
        display_name="Anouk",
        role=Role.RESIDENT,
        bio="Ik tuinier.",
        visibility=Visibility.FULL,
        photo=photo(),
    )
    chapter = ChapterFactory(title="Samen beginnen")
    ReadingPositionFactory(
        user=user,
        chapter=chapter,
        section="begin",
        first_members_chapter_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    InvitationFactory(created_by=membership, name="Mijn buurman Kees")
    accepted = InvitationFactory(created_by=membership, name="Zus")
    invitee = MembershipFactory(number=20)
    services_accept(accepted, invitee)
    story = StoryFactory(author=membership, chapter=chapter, title="Onze moestuin")
    reply = ReplyFactory(author=membership, body="Mooi gedaan!")
    ReactionFactory(story=reply.story, member=membership, kind=ReactionKind.THANKS)
    ReportFactory(story=reply.story, reporter=membership, reason="Klopt niet")
    return user, membership, story, reply


def services_accept(invitation, membership):
    from django.utils import timezone

    invitation.accepted_at = timezone.now()
    invitation.save()
    membership.invitation = invitation
    membership.save()


# ---- Privacy statement --------------------------------------------------------------


def test_privacy_page_is_public_and_covers_what_why_how_long_and_rights(client):
    response = client.get(PRIVACY)
    html = response.content.decode()
    assert response.status_code == 200
    for heading in [
        "Wat we bewaren",
        "Geen tracking, alles in eigen huis",
        "Hoe lang",
        "Je rechten",
    ]:
        assert heading in texts(response, "main h2")
    assert "Autoriteit Persoonsgegevens" in html
    assert "/mijn-gegevens/" not in hrefs(response, "main a")  # only for logged-in people


def test_privacy_page_links_logged_in_people_to_their_data(member_client):
    assert "/mijn-gegevens/" in hrefs(member_client.get(PRIVACY), "main a")


def test_privacy_urls_in_english():
    from django.urls import reverse

    with translation.override("en"):
        assert reverse("privacy") == "/en/privacy/"
        assert reverse("data_download") == "/en/my-data/download/"
        assert reverse("account_delete") == "/en/my-data/delete/"


@pytest.mark.parametrize("url", [DATA, DOWNLOAD, DELETE])
def test_data_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_data_page_offers_download_and_delete(member_client, member):
    response = member_client.get(DATA)
    html = response.content.decode()
    assert {DOWNLOAD, DELETE} <= set(hrefs(response, "main a"))
    assert f"Nummer {member.membership.number} blijft van niemand" in html


# ---- Download -----------------------------------------------------------------------


def download(client, url=DOWNLOAD) -> zipfile.ZipFile:
    """The data download, opened as the zip it is."""
    response = client.get(url)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def downloaded_data(client) -> dict:
    return json.loads(download(client).read("gegevens.json"))


def test_download_is_a_zip_attachment_streamed_from_a_file(client, rich_member):
    user, *_ = rich_member
    client.force_login(user)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="mijn-gegevens-\d{4}-\d{2}-\d{2}\.zip"',
        response["Content-Disposition"],
    )
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None


def test_download_holds_the_export_and_the_photos_as_stored(client, rich_member):
    """gegevens.json is account_export as the download always gave it; each photo it
    names is in the zip under that very name, byte for byte."""
    user, membership, story, _reply = rich_member
    story.photo.save("ignored.jpg", photo().image, save=True)
    client.force_login(user)
    archive = download(client)
    data = json.loads(archive.read("gegevens.json"))

    expected = privacy.account_export(user=user)
    assert data.keys() == expected.keys()
    assert {**data, "exported_at": None} == {**expected, "exported_at": None}
    profile_photo = Profile.objects.get(membership=membership).photo
    assert data["profile"]["photo"] == profile_photo.name
    assert data["stories"][0]["photo"] == story.photo.name
    assert sorted(archive.namelist()) == sorted(
        ["gegevens.json", "LEESMIJ.txt", profile_photo.name, story.photo.name]
    )
    for field_file in (profile_photo, story.photo):
        with field_file.open("rb") as stored:
            assert archive.read(field_file.name) == stored.read()
    assert archive.getinfo(story.photo.name).compress_type == zipfile.ZIP_STORED


def test_a_member_without_photos_gets_the_json_and_the_explanation(member_client, member):
    archive = download(member_client)
    assert sorted(archive.namelist()) == ["LEESMIJ.txt", "gegevens.json"]
    data = json.loads(archive.read("gegevens.json"))
    assert data["membership"]["number"] == member.membership.number


def test_a_photo_whose_file_is_gone_is_left_out(client, rich_member):
    user, membership, *_ = rich_member
    profile = Profile.objects.get(membership=membership)
    profile.photo.storage.delete(profile.photo.name)
    client.force_login(user)
    archive = download(client)
    assert sorted(archive.namelist()) == ["LEESMIJ.txt", "gegevens.json"]
    assert json.loads(archive.read("gegevens.json"))["profile"]["photo"] == profile.photo.name


def _keys(value, found=None) -> set[str]:
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _keys(item, found)
    return found


def test_leesmij_explains_every_key_of_the_json(client, rich_member):
    user, membership, story, _reply = rich_member
    ChapterFollowFactory(membership=membership, chapter=story.chapter)
    NotificationSettingsFactory(membership=membership)
    client.force_login(user)
    archive = download(client)
    data = json.loads(archive.read("gegevens.json"))
    readme = archive.read("LEESMIJ.txt").decode()
    assert readme.startswith("Je gegevens bij „Het boek waar je lid van kunt worden”")
    explained = set(re.findall(r"\b[a-z_]+\b", readme))
    assert _keys(data) - explained == set()
    # And the values that are codes rather than words.
    for code in ("invitation", "resident", "full", "published", "pending", "dank"):
        assert code in explained


def test_leesmij_in_english_for_the_english_site(client, rich_member):
    user, *_ = rich_member
    client.force_login(user)
    readme = download(client, "/en/my-data/download/").read("LEESMIJ.txt").decode()
    assert readme.startswith("Your data at “Het boek waar je lid van kunt worden”")
    assert "notification_settings: which e-mail you want from us" in readme


def test_the_download_is_built_on_disk_not_in_memory(client, user, settings):
    """A member with many photos: the zip is written to a temporary file and each photo
    copied in chunks, so memory does not grow with the photos."""
    membership = MembershipFactory(user=user)
    size = 4 * 1024 * 1024
    for _ in range(3):
        StoryFactory(
            author=membership,
            photo=default_storage.save("stories/groot.jpg", ContentFile(os.urandom(size))),
        )
    client.force_login(user)
    tracemalloc.start()
    try:
        response = client.get(DOWNLOAD)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == 5


def test_download_is_everything_as_json(client, rich_member):
    user, membership, story, reply = rich_member
    client.force_login(user)
    data = downloaded_data(client)

    assert data["account"]["email"] == "anouk@example.org"
    assert {a["email"] for a in data["account"]["email_addresses"]} == {
        "anouk@example.org",
        "anouk@werk.example",
    }
    assert "password" not in json.dumps(data["account"])
    assert data["membership"]["number"] == 8
    assert data["membership"]["how"] == "invitation"
    assert data["membership"]["invited_by_number"] == 3
    invitations = {i["name"]: i for i in data["membership"]["invitations"]}
    assert invitations["Mijn buurman Kees"]["accepted_by_number"] is None
    assert invitations["Zus"]["accepted_by_number"] == 20
    assert data["profile"]["display_name"] == "Anouk"
    assert data["profile"]["role"] == "resident" and data["profile"]["visibility"] == "full"
    assert data["profile"]["photo"].startswith("profiles/")
    assert data["reading_position"]["chapter"] == "Samen beginnen"
    assert data["reading_position"]["section"] == "begin"
    assert data["reading_position"]["first_members_chapter_at"].startswith("2026-03-02")
    assert [s["title"] for s in data["stories"]] == ["Onze moestuin"]
    assert data["stories"][0]["chapter"] == "Samen beginnen"
    assert [r["body"] for r in data["replies"]] == ["Mooi gedaan!"]
    assert [(r["story"], r["kind"]) for r in data["reactions"]] == [(reply.story.title, "dank")]
    assert [r["reason"] for r in data["reports"]] == ["Klopt niet"]


def test_download_for_an_account_without_a_copy(client, user):
    client.force_login(user)
    archive = download(client)
    assert sorted(archive.namelist()) == ["LEESMIJ.txt", "gegevens.json"]
    data = json.loads(archive.read("gegevens.json"))
    assert data["account"]["email"] == user.email
    assert data["membership"] is None and data["profile"] is None
    assert data["reading_position"] is None
    assert data["stories"] == [] and data["replies"] == []


def test_download_holds_nobody_elses_stories(client, rich_member):
    user, *_ = rich_member
    StoryFactory(title="Van iemand anders")
    client.force_login(user)
    assert "Van iemand anders" not in download(client).read("gegevens.json").decode()


def test_delete_page_explains_and_asks_for_the_email(client, rich_member):
    user, *_ = rich_member
    client.force_login(user)
    html = client.get(DELETE).content.decode()
    assert "Dit kan niet ongedaan worden." in html
    assert "Je exemplaar nr. 8 blijft bestaan zonder jou" in html
    assert "Typ je e-mailadres ter bevestiging" in html
    assert "Laat ze staan, zonder mijn naam" in html and "Verwijder ze" in html


def test_delete_page_asks_nothing_about_stories_from_who_wrote_none(member_client):
    html = member_client.get(DELETE).content.decode()
    assert "Typ je e-mailadres ter bevestiging" in html
    assert "Wat gebeurt er met je verhalen" not in html


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Dit veld is verplicht.", CHOOSE]),
        ({"email": "iemand@example.org", "stories": "keep"}, [MISMATCH]),
        ({"email": "anouk@werk.example", "stories": "keep"}, [MISMATCH]),
        ({"email": "anouk@example.org"}, [CHOOSE]),
        (
            {"email": "anouk@example.org", "stories": "weg"},
            ["Selecteer een geldige keuze. weg is geen beschikbare keuze."],
        ),
    ],
    ids=["empty", "other-email", "secondary-email", "no-choice", "bad-choice"],
)
def test_delete_refuses_without_a_proper_confirmation(client, rich_member, data, errors):
    user, *_ = rich_member
    client.force_login(user)
    response = client.post(DELETE, data)
    html = response.content.decode()
    assert response.status_code == 200
    for error in errors:
        assert error in html
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_delete_page_and_its_refusal_in_english(client):
    membership = MembershipFactory(user=UserFactory(email="anouk@example.org"))
    StoryFactory(author=membership)
    user = membership.user
    client.force_login(user)
    page = client.get("/en/my-data/delete/")
    assert "Type your e-mail address to confirm:" in texts(page, "main form label")
    assert "What happens to your stories and replies?" in texts(page, "main form legend")
    response = client.post(
        "/en/my-data/delete/", {"email": "iemand@example.org", "stories": "keep"}
    )
    assert response.status_code == 200
    assert texts(response, "main form ul.errorlist li") == [
        "That is not your account’s e-mail address. Type it exactly."
    ]
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_delete_needs_post(member_client, member):
    assert member_client.put(DELETE).status_code == 405
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_keeping_stories_anonymised(client, rich_member, django_capture_on_commit_callbacks):
    user, membership, story, reply = rich_member
    profile = Profile.objects.get(membership=membership)
    storage = profile.photo.storage
    files = [profile.photo.name, profile.thumbnail.name]
    other_session = _second_session(user)
    assert _logs_in(other_session)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELETE, {"email": "Anouk@Example.org", "stories": "keep"}, follow=True
        )

    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    assert "Je account en je gegevens zijn verwijderd. Exemplaar nr. 8 blijft van niemand" in html
    assert not response.context["user"].is_authenticated
    # The account and everything personal are gone...
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email__in=["anouk@example.org", "anouk@werk.example"])
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert not any(storage.exists(name) for name in files)
    assert not ReadingPosition.objects.exists()
    assert not _logs_in(other_session)
    assert not Session.objects.filter(session_key=other_session).exists()
    assert not Reaction.objects.filter(member=membership).exists()
    assert list(
        Invitation.objects.filter(created_by=membership).values_list("name", flat=True)
    ) == [""]
    # ...the number stays retired...
    membership.refresh_from_db()
    assert membership.user is None and membership.number == 8
    # ...and what they wrote stays, without an author.
    story.refresh_from_db()
    reply.refresh_from_db()
    assert story.author is None and reply.author is None
    assert Report.objects.filter(reporter=membership).exists()


def test_delete_removing_stories(client, rich_member, django_capture_on_commit_callbacks):
    user, membership, story, reply = rich_member
    others_reply = ReplyFactory(story=story, body="Reactie van een ander")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE, {"email": "anouk@example.org", "stories": "delete"})
    assert not Story.objects.filter(pk=story.pk).exists()
    assert not Reply.objects.filter(pk__in=[reply.pk, others_reply.pk]).exists()
    assert Story.objects.filter(pk=reply.story.pk).exists()  # someone else's story stays


def test_photos_chosen_but_never_saved_go_with_the_account(
    rich_member, django_capture_on_commit_callbacks
):
    user, *_ = rich_member
    chosen = pending_photo_keep(user=user, photo=photo())
    others = pending_photo_keep(user=UserFactory(), photo=photo())
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete(user=user)
    assert list(PendingPhoto.objects.all()) == [others]
    assert not default_storage.exists(chosen.image.name)
    assert not default_storage.exists(chosen.thumbnail.name)
    assert default_storage.exists(others.image.name)


def test_drafts_are_never_kept(rich_member):
    user, membership, *_ = rich_member
    draft = StoryFactory(author=membership, status=Status.DRAFT, published_at=None)
    privacy.account_delete(user=user, stories=privacy.STORIES_KEEP)
    assert not Story.objects.filter(pk=draft.pk).exists()


def test_the_retired_number_is_never_handed_out_again(client, rich_member):
    user, membership, *_ = rich_member
    top = Membership.objects.order_by("-number").first().number
    privacy.account_delete(user=user)
    newcomer = services.membership_claim_digital(user=UserFactory())
    assert newcomer.number == top + 1 and newcomer.number != 8
    assert Membership.objects.filter(number=8, user__isnull=True).exists()


def test_deleting_an_account_without_a_copy(client, user):
    EmailAddressFactory(user=user)
    client.force_login(user)
    response = client.post(DELETE, {"email": user.email}, follow=True)
    assert "Je account en je gegevens zijn verwijderd." in response.content.decode()
    assert "Exemplaar nr." not in response.content.decode()
    assert not get_user_model().objects.filter(pk=user.pk).exists()


def test_the_member_who_invited_keeps_their_own_data(rich_member):
    user, membership, *_ = rich_member
    inviter = membership.invited_by
    privacy.account_delete(user=user)
    inviter.refresh_from_db()
    assert inviter.user is not None


def test_account_delete_refuses_an_unknown_stories_choice(user):
    with pytest.raises(ValueError):
        privacy.account_delete(user=user, stories="misschien")
    assert get_user_model().objects.filter(pk=user.pk).exists()


def _logs_in(session_key: str) -> bool:
    """Whether another browser holding this session cookie is logged in."""
    from django.conf import settings
    from django.test import Client

    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return browser.get("/mijn-exemplaar/").status_code == 200


def _second_session(user) -> str:
    """A session of `user` in another browser, in the configured store (the database
    here, Redis in the PostgreSQL + Redis pass)."""
    return signed_in_session(user)


def _download_peak(client) -> tuple[int, bytes]:
    tracemalloc.start()
    try:
        response = client.get(DOWNLOAD)
        body = b"".join(response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, body


def test_download_reads_no_chapter_text_per_story(client, rich_member):
    """The stories' rows carry their chapter's title, not its text: with the chapter
    joined whole, every row held the chapter's Markdown and HTML (at 4,549 stories of
    one member, 110 of a 143 MiB peak)."""
    user, membership, *_ = rich_member
    chapter = ChapterFactory(body="Een lange alinea over samen beginnen. " * 5000)  # ~190 KB
    client.force_login(user)
    _download_peak(client)  # the first request loads what every later one reuses
    without, _body = _download_peak(client)
    StoryFactory.create_batch(40, author=membership, chapter=chapter)

    peak, body = _download_peak(client)

    # Joined whole, 40 rows would hold 40 copies of ~190 KB of Markdown and as much
    # HTML: about 15 MB more.
    assert peak - without < 2 * 1024 * 1024
    data = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("gegevens.json"))
    assert sum(s["chapter"] == chapter.title for s in data["stories"]) == 40
