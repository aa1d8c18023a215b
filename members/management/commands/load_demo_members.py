"""Demo members for local use: safe to run again (nothing is made twice, no number is
taken twice). Never run this in production: it makes a staff account with a known
password."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from members.models import CodeBatch, How, Membership
from members.services import code_batch_create, membership_assign, membership_claim_digital

AUTHOR = ("schrijvers@example.org", "De schrijfgroep", "")
CURATOR = ("redactie@example.org", "Redactie", "")
CURATOR_PASSWORD = "lees-het-boek-2026"
DEMO_BATCH = "Demo-druk"
DEMO_BATCH_SIZE = 5

# Invented people.
DEMO_MEMBERS = [
    ("anouk.verbeek@example.org", "Anouk", "Verbeek"),
    ("joost.dekker@example.org", "Joost", "Dekker"),
    ("fatima.elamrani@example.org", "Fatima", "El Amrani"),
    ("pieter.vanderlinden@example.org", "Pieter", "van der Linden"),
    ("sanne.mulder@example.org", "Sanne", "Mulder"),
    ("kees.bosman@example.org", "Kees", "Bosman"),
    ("ingrid.hoekstra@example.org", "Ingrid", "Hoekstra"),
    ("mehmet.yilmaz@example.org", "Mehmet", "Yilmaz"),
    ("lotte.brouwer@example.org", "Lotte", "Brouwer"),
    ("ruud.schipper@example.org", "Ruud", "Schipper"),
    ("esther.koopmans@example.org", "Esther", "Koopmans"),
    ("daan.terpstra@example.org", "Daan", "Terpstra"),
]


class Command(BaseCommand):
    help = "Add demo members (no. 1 is the writing group), a curator account and demo codes."

    def handle(self, *args, **options):
        author = self._account(*AUTHOR)
        if not Membership.objects.filter(user=author).exists():
            free_one = not Membership.objects.filter(number=1).exists()
            membership_assign(user=author, number=1 if free_one else None, how=How.PRINTED)
        for email, first_name, last_name in DEMO_MEMBERS:
            person = self._account(email, first_name, last_name)
            if not Membership.objects.filter(user=person).exists():
                membership_claim_digital(user=person)

        curator = self._account(*CURATOR, password=CURATOR_PASSWORD)
        if not curator.is_staff or not curator.is_superuser:
            curator.is_staff = curator.is_superuser = True
            curator.save(update_fields=["is_staff", "is_superuser"])

        batch = CodeBatch.objects.filter(label=DEMO_BATCH).first()
        if batch is None:
            batch = code_batch_create(
                label=DEMO_BATCH, size=DEMO_BATCH_SIZE, notes="Voorbeeldcodes voor lokaal gebruik."
            )

        self.stdout.write(f"Members: {Membership.objects.count()}")
        claim_code = batch.codes.available().order_by("pk").first()
        if claim_code:
            with translation.override(settings.LANGUAGE_CODE):
                path = reverse("members:code_claim", kwargs={"code": claim_code.display})
            self.stdout.write(f"Demo claim code: {claim_code.display}  ({path})")
        else:
            self.stdout.write(f"Every code of the batch {DEMO_BATCH!r} has been used.")
        self.stdout.write(f"Curator login: {CURATOR[0]} / {CURATOR_PASSWORD}")

    def _account(self, email, first_name, last_name, password=None):
        """An account with a verified e-mail address, so that it can log in. The password
        is set when the account is made only: a changed password stays changed."""
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(
                username=email.split("@")[0],
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
