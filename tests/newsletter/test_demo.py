"""load_demo brings invitations in each state, a chain two levels deep and a sent
newsletter issue in the archive; loading it again makes nothing twice."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from members.chain import chain_of
from members.models import Invitation, Membership
from newsletter.models import Issue

pytestmark = pytest.mark.django_db


def counts():
    return (Invitation.objects.count(), Membership.objects.count(), Issue.objects.count())


def test_the_demo_growth_and_again_nothing_twice(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
    anouk = Membership.objects.get(user__email="anouk.verbeek@example.org")
    mine = Invitation.objects.filter(created_by=anouk)
    assert mine.filter(accepted_at__isnull=False).exists()
    assert mine.filter(email="", accepted_at__isnull=True).exists()
    assert mine.filter(sent_at__isnull=True).exclude(email="").exists()
    assert mine.filter(sent_at__isnull=False, accepted_at__isnull=True).exists()
    assert mine.filter(created_at__lte=timezone.now() - timedelta(days=90)).exists()
    chain = chain_of(anouk)
    assert chain.levels == [1, 1]
    [issue] = Issue.objects.archived()
    assert client.get(issue.get_absolute_url()).status_code == 200
    assert mail.outbox == []
    before = counts()
    call_command("load_demo_growth", verbosity=0, stdout=io.StringIO())
    assert counts() == before
