"""Script through every field of a meeting, its registration, agenda and nazit: typed
into the real forms, read back from every page that shows it, never markup
(tests/security/conftest.py: assert_page_safe). And the IDOR matrix of its addresses."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, MeetingStatus, Note, Registration
from tests.factories import MeetingFactory, MembershipFactory, RegistrationFactory
from tests.security.conftest import assert_page_safe
from tests.security.test_xss_fields import VARIED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", VARIED)
def test_every_meeting_field_is_escaped_on_every_page(client, curator, chapters, payload):
    starts = timezone.localtime() + timedelta(days=3)
    client.force_login(curator)
    response = client.post(
        reverse("meetings:create"),
        {
            "title": f"Titel {payload}",
            "opening_question": payload,
            "description": payload,
            "starts_at": starts.strftime("%Y-%m-%dT10:00"),
            "ends_at": starts.strftime("%Y-%m-%dT12:00"),
            "place": payload,
            "capacity": "",
            "audience": "open",
            "chapters": [chapters[0].pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get()
    member = MembershipFactory().user
    client.force_login(member)
    client.post(reverse("meetings:register", kwargs={"slug": meeting.slug}), {"bringing": payload})
    client.post(
        reverse("meetings:item_add", kwargs={"slug": meeting.slug}),
        {"title": payload[:200], "body": payload},
    )
    assert Registration.objects.get().bringing == payload.strip()[:500]
    assert AgendaItem.objects.exists()
    meeting.starts_at -= timedelta(days=4)
    meeting.ends_at -= timedelta(days=4)
    meeting.save()
    client.post(reverse("meetings:note_add", kwargs={"slug": meeting.slug}), {"body": payload})
    assert Note.objects.exists()

    for who in (member, curator, None):
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        for url in (
            meeting.get_absolute_url(),
            reverse("meetings:list") + "?wanneer=voorbij",
            chapters[0].get_absolute_url(),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_page_safe(response.content.decode(), payload)


@pytest.mark.parametrize("who", ["anonymous", "member", "registered", "other host"])
def test_only_hosts_and_curators_change_or_cancel_a_meeting(client, who):
    host = MembershipFactory().user
    meeting = MeetingFactory(hosts=[host.membership])
    visitor = {
        "anonymous": None,
        "member": MembershipFactory().user,
        "registered": RegistrationFactory(meeting=meeting, user=MembershipFactory().user).user,
        "other host": MeetingFactory(hosts=[MembershipFactory()]).hosts.get().user,
    }[who]
    if visitor is not None:
        client.force_login(visitor)
    edit = client.post(reverse("meetings:edit", kwargs={"slug": meeting.slug}), {"title": "x"})
    cancel = client.post(reverse("meetings:cancel", kwargs={"slug": meeting.slug}))
    assert edit.status_code in (302, 403)
    if visitor is None:
        assert edit["Location"].startswith(reverse("account_login"))
    else:
        assert (edit.status_code, cancel.status_code) == (403, 403)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) != ("x", MeetingStatus.CANCELLED)
    assert meeting.status == MeetingStatus.PUBLISHED
