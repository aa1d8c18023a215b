"""An organisation's page and the overviews of organisations are cached: whole for
anonymous readers, with stand-ins for members (community.organisation_pages,
organisations.views, core.cache.shared_page). Every change made through the services
shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.cache import CSRF_STAND_IN
from meetings.services import meeting_cancel
from organisations.models import Affiliation, Relation
from organisations.services import (
    affiliation_remove,
    affiliations_on_account_delete,
    membership_join_via,
    organisation_save,
)
from stories.models import ReactionKind, Status
from stories.moderation import story_moderate
from tests.clients import signed_in
from tests.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ReactionFactory,
    StoryFactory,
)
from tests.markup import hrefs, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Buurtkracht", slug="buurtkracht")


def _titles(response) -> list[str]:
    return texts(response, ".organisation__stories .story-card__title")


def test_an_anonymous_page_comes_from_the_cache_with_one_query(
    client, open_chapter, organisation, django_assert_num_queries
):
    StoryFactory.create_batch(3, chapter=open_chapter, organisation=organisation)
    url = organisation.get_absolute_url()
    first = client.get(url)
    # The versions the key is made of, in one query: the organisation, the chapters'
    # stories, the meetings it hosts.
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second.content == first.content
    assert len(_titles(second)) == 3
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert "Cookie" in second["Vary"]


def test_a_member_page_comes_from_the_cache_with_their_own_token_and_reactions(
    open_chapter, organisation, session_queries, django_assert_num_queries
):
    story = StoryFactory(chapter=open_chapter, organisation=organisation)
    alice, bob = MembershipFactory(), MembershipFactory()
    ReactionFactory(story=story, member=alice, kind=ReactionKind.THANKS)
    url = organisation.get_absolute_url()
    given = f'data-given="{story.pk} {ReactionKind.THANKS}" aria-pressed="true"'
    pages = {}
    for membership in (bob, alice, bob, alice):  # each one's page, the second from the cache
        browser = signed_in(membership.user)
        pages.setdefault(membership.pk, []).append(browser.get(url).content.decode())
    assert all(given in page for page in pages[alice.pk])
    assert not any(given in page for page in pages[bob.pk])
    for page in [*pages[alice.pk], *pages[bob.pk]]:
        assert CSRF_STAND_IN not in page
        assert "Uitloggen" in page
    browser = signed_in(alice.user)
    browser.get(url)
    # The session, the user with their membership, the versions and the reactions they
    # gave: nothing else.
    with django_assert_num_queries(3 + session_queries):
        assert browser.get(url).status_code == 200


def test_the_token_in_a_cached_member_page_is_accepted(organisation, open_chapter):
    membership = MembershipFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(membership.user)
    url = organisation.get_absolute_url()
    signed_in(MembershipFactory().user).get(url)  # now in the cache, with stand-ins
    html = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    response = browser.post(
        reverse("organisation_join", args=[organisation.slug]),
        {"csrfmiddlewaretoken": token, "relation": Relation.WORKS, "public": "on"},
    )
    assert response.status_code == 302
    assert Affiliation.objects.filter(membership=membership, organisation=organisation).exists()


def test_a_coordinator_gets_their_own_page_with_the_management_link(organisation, open_chapter):
    coordinator = CoordinatorFactory(organisation=organisation).membership.user
    url = organisation.get_absolute_url()
    manage = reverse("organisations:coordinate", args=[organisation.slug])
    signed_in(MembershipFactory().user).get(url)  # a member's page, in the cache
    assert manage not in hrefs(signed_in(MembershipFactory().user).get(url))
    assert manage in hrefs(signed_in(coordinator).get(url))


def test_a_rename_shows_at_once_in_the_page_and_the_overview(client, organisation):
    AffiliationFactory(organisation=organisation)
    urls = (organisation.get_absolute_url(), reverse("organisations:list"))
    for url in urls:
        client.get(url)
    organisation.name = "Buurtkracht Oost"
    organisation_save(organisation=organisation)
    for url in urls:
        assert "Buurtkracht Oost" in client.get(url).content.decode()


def test_a_member_who_joins_shows_at_once(client, open_chapter, organisation):
    author = MembershipFactory()
    StoryFactory(chapter=open_chapter, author=author, title="Van een nieuw lid")
    wall = signed_in(MembershipFactory().user)
    url = organisation.get_absolute_url()
    assert _titles(client.get(url)) == []
    assert "Buurtkracht" not in client.get(reverse("organisations:list")).content.decode()
    members_before = texts(wall.get(url), ".member-wall .member-tile__name")

    membership_join_via(
        user=author.user, organisation=organisation, relation=Relation.WORKS, public=True
    )

    assert _titles(client.get(url)) == ["Van een nieuw lid"]
    overview = client.get(reverse("organisations:list")).content.decode()
    assert "Buurtkracht" in overview
    members_after = texts(wall.get(url), ".member-wall .member-tile__name")
    assert len(members_after) == len(members_before) + 1


def test_a_member_who_leaves_goes_at_once(client, open_chapter, organisation):
    removed, leaving = AffiliationFactory.create_batch(2, organisation=organisation)
    StoryFactory(chapter=open_chapter, author=removed.membership, title="Van wie gaat")
    StoryFactory(chapter=open_chapter, author=leaving.membership, title="Van wie vertrekt")
    url = organisation.get_absolute_url()
    assert _titles(client.get(url)) == ["Van wie vertrekt", "Van wie gaat"]

    affiliation_remove(affiliation=removed)

    assert _titles(client.get(url)) == ["Van wie vertrekt"]
    assert "Buurtkracht" in client.get(reverse("organisations:list")).content.decode()

    affiliations_on_account_delete(membership=leaving.membership)

    assert _titles(client.get(url)) == []
    assert "Buurtkracht" not in client.get(reverse("organisations:list")).content.decode()


def test_a_published_story_shows_at_once(client, open_chapter, organisation, curator):
    story = StoryFactory(
        chapter=open_chapter, organisation=organisation, status=Status.PENDING, title="Nieuw"
    )
    url = organisation.get_absolute_url()
    assert _titles(client.get(url)) == []
    story_moderate(story=story, curator=curator, action="approve")
    assert _titles(client.get(url)) == ["Nieuw"]
    story_moderate(story=story, curator=curator, action="hide", reason="Niet hier")
    assert _titles(client.get(url)) == []


def test_a_hosted_meeting_and_its_cancellation_show_at_once(client, organisation, curator):
    url = organisation.get_absolute_url()
    assert "Bij de buren" not in client.get(url).content.decode()
    meeting = MeetingFactory(title="Bij de buren", host_organisation=organisation)
    assert "Bij de buren" in texts(client.get(url), ".upcoming-meetings a")
    meeting_cancel(meeting=meeting, user=curator)
    assert "Bij de buren" not in client.get(url).content.decode()


def test_kept_pages_are_stored_and_deep_or_unknown_ones_are_not(
    client, open_chapter, organisation, django_assert_max_num_queries
):
    StoryFactory.create_batch(12, chapter=open_chapter, organisation=organisation)
    url = organisation.get_absolute_url()
    for query in ("?pagina=2", "?pagina=2"):
        assert len(_titles(client.get(url + query))) == 2
    with django_assert_max_num_queries(1):
        client.get(url + "?pagina=2")  # the long-tail cache
    for query in ("?pagina=6", "?utm_source=x", "?pagina=02"):
        client.get(url + query)
        with_query = client.get(url + query)
        assert with_query.status_code == 200
        with django_assert_max_num_queries(100) as captured:
            client.get(url + query)
        assert len(captured) > 1, query  # rendered again


def test_overviews_come_from_the_cache_and_follow_the_filters(
    client, organisation, django_assert_num_queries
):
    AffiliationFactory(organisation=organisation)
    other = OrganisationFactory(name="Ander bedrijf", province="UT")
    AffiliationFactory(organisation=other)
    url = reverse("organisations:list")
    first = client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).content == first.content
    filtered = client.get(url + "?provincie=UT")
    assert texts(filtered, ".organisation-item a") == ["Ander bedrijf"]
    with django_assert_num_queries(1):
        assert client.get(url + "?provincie=UT").content == filtered.content
    member = signed_in(MembershipFactory().user)
    page = member.get(url).content.decode()
    assert "Uitloggen" in page and CSRF_STAND_IN not in page
    assert "Uitloggen" not in first.content.decode()
