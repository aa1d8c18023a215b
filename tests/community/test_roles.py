import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.roles import CURATORS_GROUP, curators_group_sync
from editions.services import edition_create

EXPECTED = {
    "book.view_chapter",
    "book.add_chapter",
    "book.change_chapter",
    *(
        f"editions.{action}_{model}"
        for model in ("edition", "editionchapter", "editionstory")
        for action in ("view", "add", "change", "delete")
    ),
    "stories.view_story",
    "stories.change_story",
    "stories.view_reply",
    "stories.change_reply",
    "stories.view_report",
    "stories.change_report",
    "stories.view_moderationaction",
    "members.view_codebatch",
    "members.add_codebatch",
    "members.change_codebatch",
    "members.view_claimcode",
    "members.add_claimcode",
    "members.change_claimcode",
    "members.view_membership",
    "organisations.view_organisation",
    "organisations.add_organisation",
    "organisations.change_organisation",
    *(
        f"organisations.{action}_{model}"
        for model in ("affiliation", "coordinator")
        for action in ("view", "add", "change", "delete")
    ),
    "organisations.view_organisationbatch",
    "organisations.view_unmatchedname",
    "organisations.delete_unmatchedname",
    "introductions.view_introduction",
    "introductions.view_round",
    "meetings.view_meeting",
    "meetings.add_meeting",
    "meetings.change_meeting",
    "meetings.view_registration",
    *(f"newsletter.{action}_issue" for action in ("view", "add", "change", "delete")),
    "newsletter.view_newsletterdelivery",
}

ADMIN_PAGES = [
    "admin:index",
    "admin:book_chapter_changelist",
    "admin:book_chapter_add",
    "admin:editions_edition_changelist",
    "admin:stories_story_changelist",
    "admin:stories_reply_changelist",
    "admin:stories_report_changelist",
    "admin:members_codebatch_changelist",
    "admin:members_codebatch_add",
    "admin:members_claimcode_changelist",
    "admin:members_membership_changelist",
    "admin:organisations_organisation_changelist",
    "admin:organisations_organisation_add",
    "admin:organisations_affiliation_changelist",
    "admin:organisations_coordinator_changelist",
    "admin:organisations_unmatchedname_changelist",
]


def _group_permissions(group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def draft(book, curator):
    return edition_create(label="Tussenstand 2027", curator=curator)


def curation_urls(draft):
    return [
        reverse("curation"),
        reverse("statistics"),
        reverse("statistics_csv", args=["leden-per-maand"]),
        reverse("editions:edition_list"),
        reverse("editions:edition_curate", args=[draft.slug]),
        reverse("meetings:queue"),
        reverse("newsletter:curation"),
        reverse("newsletter:create"),
    ]


@pytest.mark.django_db
def test_the_migration_made_the_curators_group_with_exactly_its_permissions():
    group = Group.objects.get(name=CURATORS_GROUP)
    assert _group_permissions(group) == EXPECTED


@pytest.mark.django_db
def test_sync_restores_exactly_the_permissions():
    group = Group.objects.get(name=CURATORS_GROUP)
    group.permissions.clear()
    group.permissions.add(*Permission.objects.filter(codename="delete_user"))
    assert curators_group_sync() == group
    assert _group_permissions(group) == EXPECTED


@pytest.mark.django_db
def test_a_curator_is_staff_but_no_superuser(curator):
    assert curator.is_staff and not curator.is_superuser
    assert curator.groups.filter(name=CURATORS_GROUP).exists()
    assert curator.get_all_permissions() == EXPECTED


@pytest.mark.django_db
def test_a_curator_opens_every_curation_page(client, curator, draft):
    client.force_login(curator)
    for url in curation_urls(draft):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_curator_opens_the_admin_pages_curation_needs(client, curator, name):
    client.force_login(curator)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:book_book_add"]
)
def test_a_curator_does_not_manage_accounts_or_the_book_itself(client, curator, name):
    client.force_login(curator)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_a_member_is_refused_every_curation_page(client, member, draft):
    client.force_login(member)
    for url in curation_urls(draft):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_a_staff_account_outside_the_group_is_refused(client, staff, draft):
    client.force_login(staff)
    for url in curation_urls(draft):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_member_is_sent_to_the_admin_login(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, draft):
    login = reverse("account_login")
    for url in curation_urls(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    assert client.post(reverse("editions:edition_publish", args=[draft.slug])).status_code == 302
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.django_db
def test_the_header_links_curators_to_the_curation_pages(client, curator, member):
    client.force_login(curator)
    assert reverse("curation") in client.get("/").content.decode()
    client.force_login(member)
    assert reverse("curation") not in client.get("/").content.decode()
