"""Refresh the municipalities from a CSV of the same shape as
organisations/data/municipalities.csv (mergers every year: a row with a `successor`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from organisations.municipalities import MunicipalityFileError, municipalities_update, rows_read
from stories.writing import stories_organisation_move


class Command(BaseCommand):
    help = "Ververst de gemeenten uit een CSV-bestand (cbs_code,name,province[,successor])."

    def add_arguments(self, parser):
        parser.add_argument("csv", help="het bestand, zoals organisations/data/municipalities.csv")

    def handle(self, *args, csv, **options):
        try:
            with open(csv, encoding="utf-8-sig", newline="") as lines:
                rows = rows_read(lines)
        except OSError as exc:
            raise CommandError(
                _("Kan %(path)s niet lezen: %(error)s") % {"path": csv, "error": exc.strerror}
            ) from exc
        except (MunicipalityFileError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("%(path)s: %(error)s (er is niets veranderd)") % {"path": csv, "error": exc}
            ) from exc
        try:
            with transaction.atomic():
                update = municipalities_update(rows=rows)
                for old, successor in update.merged:
                    stories_organisation_move(source=old, target=successor)
        except MunicipalityFileError as exc:
            raise CommandError(
                _("%(path)s: %(error)s (er is niets veranderd)") % {"path": csv, "error": exc}
            ) from exc
        for name in update.created:
            self.stdout.write(_("nieuw: %(name)s") % {"name": name})
        for change in update.renamed:
            self.stdout.write(_("nieuwe naam: %(change)s") % {"change": change})
        for old, successor in update.merged:
            self.stdout.write(_("%(old)s is opgegaan in %(new)s") % {"old": old, "new": successor})
        self.stdout.write(_("%(count)d gemeenten bijgewerkt.") % {"count": len(rows)})
