"""The app's part of the data download and of account deletion (community.privacy):
the welcome mails and the newsletters that went to the member."""

from typing import Any

from django.db import transaction

from core.exports import iso_or_none
from members.models import Membership

from .models import NewsletterDelivery, WelcomeMail


def newsletter_export(*, membership: Membership | None) -> dict[str, Any]:
    if membership is None:
        return {"welcome_mails": [], "newsletters": []}
    welcome = WelcomeMail.objects.filter(membership=membership).order_by("created_at", "pk")
    deliveries = (
        NewsletterDelivery.objects.filter(membership=membership)
        .select_related("issue")
        .order_by("created_at", "pk")
    )
    return {
        "welcome_mails": [
            {
                "step": mail.step,
                "status": mail.status,
                "created_at": iso_or_none(mail.created_at),
                "sent_at": iso_or_none(mail.sent_at),
            }
            for mail in welcome
        ],
        "newsletters": [
            {
                "issue": delivery.issue.title,
                "status": delivery.status,
                "sent_at": iso_or_none(delivery.sent_at),
            }
            for delivery in deliveries
        ],
    }


def newsletter_on_account_delete(*, membership: Membership) -> None:
    with transaction.atomic():
        WelcomeMail.objects.filter(membership=membership).delete()
        NewsletterDelivery.objects.filter(membership=membership).delete()
