"""Demo of passing the book on and the newsletter, for local use: invitations in each
state (a link not yet used, one to be e-mailed later, one e-mailed and waiting, one
expired, two accepted), a chain two levels deep from Anouk, and one sent issue of
"Nieuws uit de gemeenschap" in the archive. Safe to run again: nothing is made twice.
Sends no mail."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from members.models import Invitation, Membership, Visibility
from members.services import invitation_accept, invitation_create, profile_update
from newsletter.models import Audience, Issue, IssueStatus

ANOUK = "anouk.verbeek@example.org"
CURATOR = "redactie@example.org"
#: The chain: Anouk passed the book to Noor, Noor to Tim. (token, e-mail, name, by)
CHAIN = [
    ("demo-doorgegeven-noor", "noor.demo@example.org", "Noor", ANOUK),
    ("demo-doorgegeven-tim", "tim.demo@example.org", "Tim", "noor.demo@example.org"),
]
DEDICATION = "Lees hoofdstuk 2 eens, daar moest ik aan jou denken."
ISSUE_TITLE = "De eerste maand van het boek"
ISSUE_BODY = """Het boek is een maand oud en telt al leden in vier gemeenten.

## Wat er gebeurde

* Twee bijeenkomsten, met een nazit vol leerverhalen.
* De eerste kennismakingen: een ambtenaar en een bakker die elkaar nog niet kenden.

:::leden
Voor leden: de schrijfgroep zoekt meelezers voor hoofdstuk 3. Reageer onder het
hoofdstuk.
:::

Geef het boek door: onder *Mijn exemplaar* maak je een persoonlijke uitnodiging.
"""


class Command(BaseCommand):
    help = "Demo invitations, a two-level chain and a sent newsletter issue (load_demo)."

    def handle(self, *args, **options):
        User = get_user_model()
        anouk = Membership.objects.filter(user__email=ANOUK).first()
        curator = User.objects.filter(email=CURATOR).first()
        if anouk is None or curator is None:
            raise CommandError("Load the demo members first (load_demo_members).")
        with transaction.atomic():
            self._chain(User)
            self._open_invitations(anouk)
            self._issue(curator)
        self.stdout.write("Demo growth: invitations, a two-level chain, one newsletter issue.")

    def _chain(self, User):
        for token, email, name, by_email in CHAIN:
            if Invitation.objects.filter(token=token).exists():
                continue
            inviter = Membership.objects.get(user__email=by_email)
            Invitation.objects.create(
                token=token, created_by=inviter, name=name, dedication=DEDICATION
            )
            user = User.objects.create_user(username=email, email=email, first_name=name)
            membership = invitation_accept(token=token, user=user)
            profile_update(
                membership=membership,
                display_name=name,
                role="",
                bio="",
                visibility=Visibility.NAME,
            )

    def _open_invitations(self, anouk):
        if Invitation.objects.filter(created_by=anouk, accepted_at__isnull=True).exists():
            return
        now = timezone.now()
        invitation_create(membership=anouk, name="Buurman Henk")
        Invitation.objects.bulk_create(
            [
                Invitation(
                    token="demo-later-per-e-mail",
                    created_by=anouk,
                    name="Mijn zus",
                    email="zus.demo@example.org",
                    dedication="Voor je verjaardag.",
                    send_on=(now + timedelta(days=10)).date(),
                ),
                Invitation(
                    token="demo-verstuurd-wacht",
                    created_by=anouk,
                    name="Collega Ravi",
                    email="ravi.demo@example.org",
                    send_on=(now - timedelta(days=3)).date(),
                    sent_at=now - timedelta(days=3),
                ),
                Invitation(
                    token="demo-verlopen",
                    created_by=anouk,
                    name="Oude buurvrouw",
                    created_at=now - timedelta(days=120),
                ),
            ]
        )

    def _issue(self, curator):
        if Issue.objects.filter(title=ISSUE_TITLE).exists():
            return
        Issue.objects.create(
            title=ISSUE_TITLE,
            body=ISSUE_BODY,
            audience=Audience.ALL,
            status=IssueStatus.SENT,
            send_at=timezone.now() - timedelta(days=2),
            sent_at=timezone.now() - timedelta(days=2),
            created_by=curator,
        )
