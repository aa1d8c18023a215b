"""Welcome mails and newsletter deliveries are in the member's data download and leave
with the account; the newsletter's and the chain's pages change nothing on a GET."""

import pytest
from django.utils import timezone

from community.privacy import account_delete, account_export
from newsletter.models import IssueStatus, NewsletterDelivery, WelcomeMail
from tests.factories import IssueFactory, NewsletterDeliveryFactory, WelcomeMailFactory
from tests.safe_requests import assert_safe_requests_change_nothing

pytestmark = pytest.mark.django_db


def test_the_download_holds_welcome_mails_and_newsletters(member):
    membership = member.membership
    WelcomeMailFactory(membership=membership, step="day0", status="sent")
    NewsletterDeliveryFactory(
        membership=membership, issue=IssueFactory(title="Maartnummer"), status="sent"
    )
    data = account_export(user=member)
    assert [(row["step"], row["status"]) for row in data["welcome_mails"]] == [("day0", "sent")]
    assert [(row["issue"], row["status"]) for row in data["newsletters"]] == [
        ("Maartnummer", "sent")
    ]


def test_they_leave_with_the_account(member):
    membership = member.membership
    WelcomeMailFactory(membership=membership)
    NewsletterDeliveryFactory(membership=membership)
    other = NewsletterDeliveryFactory()
    account_delete(user=member)
    assert not WelcomeMail.objects.filter(membership=membership).exists()
    assert list(NewsletterDelivery.objects.all()) == [other]


def test_safe_requests_change_nothing(client, curator, member):
    sent = IssueFactory(status=IssueStatus.SENT, sent_at=timezone.now())
    draft = IssueFactory()
    pages = ["/nieuws/", f"/nieuws/{sent.pk}/", f"/nieuws/{draft.pk}/"]
    assert_safe_requests_change_nothing(client, pages)
    client.force_login(member)
    assert_safe_requests_change_nothing(client, [*pages, "/mijn-exemplaar/doorgeefketen/"])
    client.force_login(curator)
    assert_safe_requests_change_nothing(
        client,
        [
            *pages,
            "/redactie/nieuws/",
            "/redactie/nieuws/nieuw/",
            f"/redactie/nieuws/{draft.pk}/",
        ],
    )
