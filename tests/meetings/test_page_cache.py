"""The list of meetings and a meeting's page are cached: whole for anonymous readers,
with stand-ins for members (meetings.views, meetings.shared, core.cache.shared_page).
A member who registered, hosts or proposed a meeting gets their own page. Every change
made through the services shows at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.cache import CSRF_STAND_IN
from meetings.agenda import agenda_item_add
from meetings.models import Meeting
from meetings.services import (
    meeting_cancel,
    meeting_update,
    registration_cancel,
    registration_register,
)
from organisations.services import organisation_save
from tests.clients import signed_in
from tests.factories import MeetingFactory, MembershipFactory, OrganisationFactory
from tests.markup import one, text, texts

pytestmark = pytest.mark.django_db


def _facts(response) -> str:
    return text(one(response, ".meeting__facts"))


def test_an_anonymous_meeting_page_comes_from_the_cache_with_one_query(
    client, django_assert_num_queries
):
    meeting = MeetingFactory(title="Aan tafel")
    first = client.get(meeting.get_absolute_url())
    # The versions the key is made of: the meeting's row and page_version, the clock's
    # say on it, the chapters' stories, the host organisation; one query.
    with django_assert_num_queries(1):
        second = client.get(meeting.get_absolute_url())
    assert second.content == first.content
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_members_share_the_page_until_they_register(session_queries, django_assert_num_queries):
    meeting = MeetingFactory(capacity=10)
    url = meeting.get_absolute_url()
    alice, bob = MembershipFactory().user, MembershipFactory().user
    signed_in(bob).get(url)  # in the cache for members
    browser = signed_in(alice)
    # The session, the user with their membership, the versions (whether it is theirs
    # among them).
    with django_assert_num_queries(2 + session_queries):
        page = browser.get(url).content.decode()
    assert CSRF_STAND_IN not in page and "Ik kom" in page

    registration_register(meeting=meeting, user=alice)

    own = browser.get(url)
    assert "Je bent aangemeld." in own.content.decode()
    assert CSRF_STAND_IN not in own.content.decode()
    shared = signed_in(bob).get(url)
    assert "Je bent aangemeld." not in shared.content.decode()
    assert "nog 9 plaatsen vrij" in _facts(shared)


def test_registrations_show_at_once_in_places_left_and_the_list(client):
    meeting = MeetingFactory(capacity=2, title="Klein gezelschap")
    url = meeting.get_absolute_url()
    assert "nog 2 plaatsen vrij" in _facts(client.get(url))
    assert "0 aanmeldingen" in texts(client.get(reverse("meetings:list")), ".meeting-card__meta")[0]
    first, second, third = (MembershipFactory().user for _ in range(3))
    registration_register(meeting=meeting, user=first)
    assert "nog 1 plaats vrij" in _facts(client.get(url))
    registration_register(meeting=meeting, user=second)
    registration_register(meeting=meeting, user=third)
    facts = _facts(client.get(url))
    assert "nog 0 plaatsen vrij" in facts and "1 op de wachtlijst" in facts
    assert "2 aanmeldingen" in texts(client.get(reverse("meetings:list")), ".meeting-card__meta")[0]

    registration_cancel(meeting=meeting, user=first)  # the waiting one gets the place

    facts = _facts(client.get(url))
    assert "nog 0 plaatsen vrij" in facts and "wachtlijst" not in facts


def test_an_edit_and_a_cancellation_show_at_once(client, curator, details):
    meeting = MeetingFactory(title="Eerste titel")
    urls = (meeting.get_absolute_url(), reverse("meetings:list"))
    for url in urls:
        client.get(url)
    meeting_update(
        meeting=meeting,
        user=curator,
        details=details(title="Nieuwe titel", starts_at=meeting.starts_at, ends_at=meeting.ends_at),
    )
    for url in urls:
        page = client.get(url).content.decode()
        assert "Nieuwe titel" in page and "Eerste titel" not in page
    meeting_cancel(meeting=meeting, user=curator)
    assert "Deze bijeenkomst is afgelast." in client.get(urls[0]).content.decode()
    assert "Nieuwe titel" not in client.get(urls[1]).content.decode()


def test_an_agenda_item_shows_at_once(client):
    meeting = MeetingFactory()
    url = meeting.get_absolute_url()
    client.get(url)
    user = MembershipFactory().user
    registration_register(meeting=meeting, user=user)
    agenda_item_add(meeting=meeting, user=user, title="Hoe houden we het vol?")
    assert texts(client.get(url), ".meeting-agenda__title") == ["Hoe houden we het vol?"]


def test_a_meeting_that_starts_and_ends_shows_so_without_a_change(client):
    meeting = MeetingFactory()
    url = meeting.get_absolute_url()
    assert "Log in om je aan te melden" in client.get(url).content.decode()
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(  # time passes: no service, no save
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    page = client.get(url).content.decode()
    assert "Aanmelden kan niet meer" in page
    assert "De nazit" in page
    assert meeting.title not in texts(client.get(reverse("meetings:list")), ".meeting-card a")


def test_a_host_organisation_renamed_shows_at_once(client):
    organisation = OrganisationFactory(name="Wijkhuis")
    meeting = MeetingFactory(host_organisation=organisation)
    urls = (meeting.get_absolute_url(), reverse("meetings:list"))
    for url in urls:
        assert "Wijkhuis" in client.get(url).content.decode()
    organisation.name = "Buurthuis"
    organisation_save(organisation=organisation)
    for url in urls:
        assert "Buurthuis" in client.get(url).content.decode()


def test_the_list_comes_from_the_cache_for_filters_and_members(client, django_assert_num_queries):
    MeetingFactory(title="Online", online_url="https://example.org/zaal", place="")
    MeetingFactory(title="Op locatie")
    url = reverse("meetings:list")
    first = client.get(url)
    with django_assert_num_queries(1):
        assert client.get(url).content == first.content
    online = client.get(url + "?online=on")
    assert texts(online, ".meeting-card__title a") == ["Online"]
    with django_assert_num_queries(1):
        assert client.get(url + "?online=on").content == online.content
    member = signed_in(MembershipFactory().user)
    page = member.get(url).content.decode()
    assert "Stel een bijeenkomst voor" in page and CSRF_STAND_IN not in page
    assert "Stel een bijeenkomst voor" not in first.content.decode()
