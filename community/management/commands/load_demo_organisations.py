"""Demo organisations for local use (load_demo runs it last): eleven founding
municipalities (demo data: the colophon of the demo book says so), affiliations for the
demo members, two coordinators and one organisation batch, and the demo stories linked
to the municipalities they name. Safe to run again: nothing is made twice."""

from django.core.management.base import BaseCommand
from django.db import transaction

from members.models import Membership, Visibility
from organisations.coordination import coordinator_appoint, organisation_batch_create
from organisations.models import Affiliation, Organisation, OrganisationBatch, Relation
from organisations.municipalities import data_file_rows, municipalities_update
from stories.writing import stories_organisation_from_text

#: Demo data: the municipalities of the demo stories, and one more, as the eleven that
#: began the Community of Practice.
FOUNDING = [
    "GM0193",  # Zwolle
    "GM0150",  # Deventer
    "GM0344",  # Utrecht
    "GM0307",  # Amersfoort
    "GM0080",  # Leeuwarden
    "GM0200",  # Apeldoorn
    "GM0014",  # Groningen
    "GM0855",  # Tilburg
    "GM0392",  # Haarlem
    "GM0268",  # Nijmegen
    "GM0166",  # Kampen
]
DEMO_QUOTA = 100
DEMO_BATCH = "Demo: bibliotheek Zwolle"
DEMO_BATCH_SIZE = 10


class Command(BaseCommand):
    help = "Demo: founding municipalities, affiliations, coordinators, an organisation batch."

    def handle(self, *args, **options):
        with transaction.atomic():
            if not Organisation.objects.municipalities().exists():
                # A flushed database (the browser tests') lost what the migration loaded.
                municipalities_update(rows=data_file_rows())
            founding = list(Organisation.objects.filter(cbs_code__in=FOUNDING).order_by("name"))
            Organisation.objects.filter(pk__in=[o.pk for o in founding]).update(founding=True)
            for organisation in founding:
                stories_organisation_from_text(text=organisation.name, organisation=organisation)
            members = list(
                Membership.objects.current()
                .filter(user__email__endswith="@example.org", user__is_staff=False)
                .select_related("profile")
                .order_by("number")
            )
            for n, membership in enumerate(members):
                profile = getattr(membership, "profile", None)
                Affiliation.objects.get_or_create(
                    membership=membership,
                    organisation=founding[n % len(founding)],
                    relation=Relation.LIVES if n % 3 else Relation.WORKS,
                    defaults={
                        "public": profile is not None and profile.visibility == Visibility.FULL,
                        "verified": n % 2 == 0,
                    },
                )
            zwolle = next(o for o in founding if o.cbs_code == "GM0193")
            coordinators = []
            for membership in members[:2]:
                organisation = founding[members.index(membership) % len(founding)]
                coordinator_appoint(organisation=organisation, membership=membership)
                email = membership.user.email if membership.user else ""
                coordinators.append(f"{email} ({organisation})")
            if not OrganisationBatch.objects.filter(organisation=zwolle).exists():
                zwolle.batch_quota = max(zwolle.batch_quota, DEMO_QUOTA)
                zwolle.save(update_fields=["batch_quota"])
                organisation_batch_create(
                    organisation=zwolle, label=DEMO_BATCH, size=DEMO_BATCH_SIZE, user=None
                )
        self.stdout.write(
            f"Organisations: {len(founding)} founding municipalities, "
            f"{Affiliation.objects.count()} affiliations; coordinators: {', '.join(coordinators)}"
        )
