"""Nieuws uit de gemeenschap: curators write an issue in Markdown with a preview and a
test to themselves, choose the audience and schedule it; the timer sends it in batches,
throttled, once per recipient also when the worker dies halfway, with one-click
unsubscribe; the public archive hides the members' parts."""

import io
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from members.models import Role
from newsletter.audience import audience_of
from newsletter.models import Audience, DeliveryStatus, Issue, IssueStatus, NewsletterDelivery
from newsletter.sending import newsletters_run
from organisations.models import Province
from stories.models import NotificationSettings
from tests.factories import (
    AffiliationFactory,
    ChapterFollowFactory,
    IssueFactory,
    MembershipFactory,
    NotificationSettingsFactory,
    OrganisationFactory,
    ProfileFactory,
    RegistrationFactory,
)
from tests.markup import one, select, text, texts

pytestmark = pytest.mark.django_db

CREATE = "/redactie/nieuws/nieuw/"
BODY = "Open voor iedereen.\n\n:::leden\nAlleen voor **leden**: de code is 42.\n:::\n\nTot slot."


def form(**fields):
    return {
        "title": "Nieuws van de maand",
        "body": BODY,
        "audience": "all",
        "role": "",
        "organisation": "",
        "province": "",
        "chapter": "",
        "meeting": "",
        "send_at": "",
        "action": "save",
        **fields,
    }


def errors(response):
    return texts(response, "form .errorlist li")


def run():
    call_command("send_newsletters", stdout=io.StringIO())


def scheduled(**fields):
    return IssueFactory(status=IssueStatus.SCHEDULED, send_at=timezone.now(), **fields)


# ---- Writing ------------------------------------------------------------------------


def test_curator_previews_through_the_one_sanitiser(client, curator):
    client.force_login(curator)
    response = client.post(
        CREATE, form(action="preview", body=BODY + "\n\n<script>alert(1)</script>")
    )
    assert response.status_code == 200
    preview = one(response, "section.preview")
    assert "de code is 42" in text(one(preview, ".members-part"))
    assert not select(response, "section.preview script")
    assert "<script>alert(1)</script>" in text(preview)
    assert not Issue.objects.exists()


def test_curator_saves_then_schedules_an_issue(client, curator):
    client.force_login(curator)
    response = client.post(CREATE, form())
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/redactie/nieuws/{issue.pk}/"
    assert (issue.status, issue.created_by) == (IssueStatus.DRAFT, curator)
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/redactie/nieuws/{issue.pk}/", form(action="schedule", send_at=later))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED
    assert issue.send_at > timezone.now() + timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Dit veld is verplicht."),
        ({"body": "   "}, "Dit veld is verplicht."),
        ({"audience": "chapter"}, "Kies het hoofdstuk waarvan de volgers dit nummer krijgen."),
        ({"audience": "role"}, "Kies de rol van de leden die dit nummer krijgen."),
        ({"audience": "province"}, "Kies de provincie."),
        (
            {"audience": "everyone"},
            "Selecteer een geldige keuze. everyone is geen beschikbare keuze.",
        ),
        (
            {"organisation": "9" * 5000},
            "Selecteer een geldige keuze. Deze keuze is niet beschikbaar.",
        ),
        ({"send_at": "gisteren"}, "Voer een geldige datum/tijd in."),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(client, curator, fields, message):
    client.force_login(curator)
    response = client.post(CREATE, form(**fields))
    assert response.status_code == 400
    assert message in errors(response)
    assert not Issue.objects.exists()


def test_a_moment_in_the_past_is_refused_and_the_issue_stays_a_draft(client, curator):
    client.force_login(curator)
    issue = IssueFactory(created_by=curator, title="Zoals het was")
    earlier = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/redactie/nieuws/{issue.pk}/", form(action="schedule", send_at=earlier)
    )
    assert response.status_code == 400
    assert errors(response) == ["Dat moment ligt in het verleden. Kies nu of later."]
    issue.refresh_from_db()
    assert (issue.status, issue.title) == (IssueStatus.DRAFT, "Zoals het was")


def test_test_send_goes_to_the_curator_only(client, curator, commit):
    client.force_login(curator)
    with commit():
        client.post(CREATE, form(action="test"))
    [message] = mail.outbox
    assert message.to == [curator.email]
    assert message.subject == "[Proef] Nieuws uit de gemeenschap: Nieuws van de maand"
    assert "de code is 42" in message.body and ":::" not in message.body
    assert not NewsletterDelivery.objects.exists()


def test_only_curators_write(client, member):
    assert client.get(CREATE).status_code == 302
    client.force_login(member)
    assert client.get(CREATE).status_code == 403
    assert client.get("/redactie/nieuws/").status_code == 403


def test_a_sent_issue_no_longer_changes(client, curator):
    client.force_login(curator)
    issue = IssueFactory(status=IssueStatus.SENT, sent_at=timezone.now())
    response = client.post(f"/redactie/nieuws/{issue.pk}/", form(title="Anders"))
    assert response.status_code == 400
    assert texts(response, "main .errorlist li") == [
        "Dit nummer is al verstuurd en verandert niet meer."
    ]
    assert not select(response, "main form")
    issue.refresh_from_db()
    assert issue.title != "Anders"


# ---- Audiences ----------------------------------------------------------------------


def test_audiences_pick_the_members_they_name(chapters):
    everyone = MembershipFactory()
    official = ProfileFactory(role=Role.GOVERNMENT).membership
    organisation = OrganisationFactory(province=Province.OVERIJSSEL)
    affiliated = AffiliationFactory(organisation=organisation).membership
    follower = ChapterFollowFactory(chapter=chapters[0]).membership
    registration = RegistrationFactory(user=MembershipFactory().user)
    registered = registration.user.membership
    opted_out = MembershipFactory()
    NotificationSettingsFactory(membership=opted_out, newsletter=False)
    gone = MembershipFactory()
    gone.user = None
    gone.save()

    def members(**fields):
        return set(audience_of(Issue(**fields)))

    assert members(audience=Audience.ALL) == {
        everyone,
        official,
        affiliated,
        follower,
        registered,
    }
    assert members(audience=Audience.ROLE, role=Role.GOVERNMENT) == {official}
    assert members(audience=Audience.ORGANISATION, organisation=organisation) == {affiliated}
    assert members(audience=Audience.PROVINCE, province=Province.OVERIJSSEL) == {affiliated}
    assert members(audience=Audience.CHAPTER, chapter=chapters[0]) == {follower}
    assert members(audience=Audience.MEETING, meeting=registration.meeting) == {registered}


# ---- Sending ------------------------------------------------------------------------


def test_followers_of_a_chapter_get_the_issue_once_with_one_click_unsubscribe(
    client, chapters, settings
):
    followers = [ChapterFollowFactory(chapter=chapters[0]).membership for _ in range(3)]
    MembershipFactory()
    issue = scheduled(audience=Audience.CHAPTER, chapter=chapters[0], body=BODY)
    run()
    run()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        membership.user.email for membership in followers
    )
    message = mail.outbox[0]
    assert message.subject == f"Nieuws uit de gemeenschap: {issue.title}"
    assert "de code is 42" in message.body
    assert f"{settings.SITE_URL}/nieuws/{issue.pk}/" in message.body
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{settings.SITE_URL}/verhalen/afmelden/newsletter/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    response = client.post(urlsplit(header.strip("<>")).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    unsubscribed = NotificationSettings.objects.get(newsletter=False).membership
    assert unsubscribed.user.email == message.to[0]


def test_a_scheduled_issue_waits_for_its_moment():
    MembershipFactory()
    issue = IssueFactory(status=IssueStatus.SCHEDULED, send_at=timezone.now() + timedelta(hours=1))
    run()
    assert mail.outbox == []
    newsletters_run(now=timezone.now() + timedelta(hours=2))
    assert len(mail.outbox) == 1
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT


def test_batches_are_spaced_to_the_configured_rate(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.NEWSLETTER_BATCH_SIZE = 2
    settings.NEWSLETTER_PER_MINUTE = 4
    MembershipFactory.create_batch(5)
    issue = scheduled()
    now = timezone.now()
    assert newsletters_run(now=now) == {"started": 1, "batches": 3}
    results = default_task_backend.results
    assert [result.task.run_after - now for result in results] == [
        timedelta(0),
        timedelta(seconds=30),
        timedelta(seconds=60),
    ]
    assert {result.kwargs["issue_id"] for result in results} == {issue.pk}
    # The timer again while the batches wait: nothing queued twice.
    assert newsletters_run(now=now + timedelta(seconds=59)) == {"started": 0, "batches": 0}
    for result in results:
        result.task.call(*result.args, **result.kwargs)
    assert len(mail.outbox) == 5
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT


def test_a_worker_killed_mid_send_then_restarted_sends_each_exactly_once(dying_worker):
    members = MembershipFactory.create_batch(7)
    issue = scheduled()
    dying_worker(3)
    run()
    assert len(mail.outbox) == 3
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENDING
    dying_worker(None)
    run()
    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        {membership.user.email: 1 for membership in members}
    )
    counts = Counter(issue.deliveries.values_list("status", flat=True))
    assert counts == Counter({DeliveryStatus.SENT: 7})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT


def test_refused_mail_is_counted_as_failed_not_retried(client, curator, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.newsletter.mail_backends.RefusingBackend"}}
    MembershipFactory.create_batch(2)
    issue = scheduled(title="Mislukt nummer")
    run()
    run()
    statuses = Counter(issue.deliveries.values_list("status", flat=True))
    # The curator has a copy too: three members in all.
    assert statuses == Counter({DeliveryStatus.FAILED: 3})
    client.force_login(curator)
    response = client.get("/redactie/nieuws/")
    [row] = [texts(row, "td") for row in select(response, "table.newsletter-issues tbody tr")]
    assert row[0] == "Mislukt nummer"
    assert row[3:] == ["0", "3", "0", "0"]


# ---- The archive --------------------------------------------------------------------


def test_the_public_archive_hides_the_members_part(client, member):
    sent = IssueFactory(
        title="Verstuurd", body=BODY, status=IssueStatus.SENT, sent_at=timezone.now()
    )
    IssueFactory(title="Concept")
    response = client.get("/nieuws/")
    assert texts(response, "ul.issues li a") == ["Verstuurd"]
    page = client.get(f"/nieuws/{sent.pk}/")
    assert "Open voor iedereen." in text(one(page, "main"))
    assert "de code is 42" not in page.content.decode()
    assert select(page, ".members-part--hidden")
    client.force_login(member)
    page = client.get(f"/nieuws/{sent.pk}/")
    assert "de code is 42" in text(one(page, ".members-part"))


def test_an_issue_not_sent_is_not_in_the_archive(client):
    draft = IssueFactory()
    assert client.get(f"/nieuws/{draft.pk}/").status_code == 404
    assert client.get("/nieuws/99999999999999999999999/").status_code == 404
