"""The Dutch municipalities as data: reading the CSV (organisations/data/municipalities.csv
and its yearly successors) and bringing the organisations up to date with it.

A file has the columns `cbs_code,name,province` and optionally `successor`: a row with a
successor is a municipality that merged into the one with that CBS code."""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Affiliation, Kind, Organisation, Province

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities.csv"
CBS_CODE = re.compile(r"GM\d{4}")
COLUMNS = ("cbs_code", "name", "province")


class MunicipalityFileError(ValueError):
    """A file that cannot be used; nothing was changed."""


@dataclass(frozen=True)
class Row:
    cbs_code: str
    name: str
    province: str
    successor: str = ""


def rows_read(lines) -> list[Row]:
    """The rows of a municipality file, checked whole before anything is used: every
    problem is named with its line."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MunicipalityFileError(
            _("De kolommen %(columns)s ontbreken (nodig: cbs_code,name,province).")
            % {"columns": ", ".join(missing)}
        )
    rows: list[Row] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, record in enumerate(reader, start=2):
        code = (record.get("cbs_code") or "").strip().upper()
        name = (record.get("name") or "").strip()
        province = (record.get("province") or "").strip().upper()
        successor = (record.get("successor") or "").strip().upper()
        if not CBS_CODE.fullmatch(code):
            errors.append(
                _("regel %(line)d: %(code)r is geen CBS-code zoals GM0193")
                % {"line": line, "code": code}
            )
        elif code in seen:
            errors.append(
                _("regel %(line)d: %(code)s staat er twee keer in") % {"line": line, "code": code}
            )
        if not name:
            errors.append(_("regel %(line)d: de naam ontbreekt") % {"line": line})
        if province not in Province.values:
            errors.append(
                _("regel %(line)d: %(province)r is geen provincie (GR, FR, ... LI)")
                % {"line": line, "province": province}
            )
        if successor and not CBS_CODE.fullmatch(successor):
            errors.append(
                _("regel %(line)d: opvolger %(code)r is geen CBS-code")
                % {"line": line, "code": successor}
            )
        seen.add(code)
        rows.append(Row(code, name, province, successor))
    if not rows and not errors:
        errors.append(_("het bestand bevat geen gemeenten"))
    if errors:
        raise MunicipalityFileError("\n".join(errors))
    return rows


def data_file_rows() -> list[Row]:
    with DATA_FILE.open(encoding="utf-8", newline="") as lines:
        return rows_read(lines)


def slug_free(name: str, *, taken: set[str]) -> str:
    base = slugify(name) or "gemeente"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@dataclass(frozen=True)
class Update:
    created: list[str]
    renamed: list[str]
    merged: list[tuple[Organisation, Organisation]]


def municipalities_update(*, rows: list[Row]) -> Update:
    """Bring the municipalities up to date with `rows`, all or nothing. New codes become
    organisations; names and provinces follow the file; a row with a successor marks its
    municipality merged, and the affiliations with it move to the successor (a member
    who already had that relation with the successor keeps one). A municipality missing
    from the file, or a successor that is no municipality, stops the update."""
    by_code = {row.cbs_code: row for row in rows}
    with transaction.atomic():
        existing = {
            org.cbs_code: org
            for org in Organisation.objects.select_for_update().filter(cbs_code__isnull=False)
        }
        errors = [
            _("%(code)s %(name)s staat niet in het bestand: geef een regel met haar opvolger")
            % {"code": code, "name": org.name}
            for code, org in sorted(existing.items())
            if code not in by_code and org.successor_id is None
        ]
        errors += [
            _("%(code)s gaat op in %(successor)s, een onbekende CBS-code")
            % {"code": row.cbs_code, "successor": row.successor}
            for row in rows
            if row.successor and (row.successor not in by_code or by_code[row.successor].successor)
        ]
        if errors:
            raise MunicipalityFileError("\n".join(errors))
        taken = set(Organisation.objects.values_list("slug", flat=True))
        created, renamed = [], []
        for row in rows:
            org = existing.get(row.cbs_code)
            if org is None:
                existing[row.cbs_code] = Organisation.objects.create(
                    name=row.name,
                    slug=slug_free(row.name, taken=taken),
                    kind=Kind.MUNICIPALITY,
                    cbs_code=row.cbs_code,
                    province=row.province,
                    verified=True,
                )
                created.append(row.name)
            elif (org.name, org.province) != (row.name, row.province):
                if org.name != row.name:
                    renamed.append(f"{org.name} → {row.name}")
                org.name, org.province = row.name, row.province
                org.save(update_fields=["name", "province"])
        merged = []
        for row in rows:
            org, successor = existing[row.cbs_code], existing.get(row.successor)
            if successor is None or org.successor_id == successor.pk:
                continue
            org.successor = successor
            org.save(update_fields=["successor"])
            affiliations_move(source=org, target=successor)
            merged.append((org, successor))
        # A rare run, names and provinces changed in place: every municipality's pages
        # anew. (organisations.services imports this module, hence the late import.)
        from .services import organisations_changed

        organisations_changed(pks=[org.pk for org in existing.values()])
        return Update(created=created, renamed=renamed, merged=merged)


def affiliations_move(*, source: Organisation, target: Organisation) -> None:
    """Move every affiliation with `source` to `target`; one that `target` already has
    (same member, same relation) is kept once, verified or public if either was."""
    for affiliation in Affiliation.objects.filter(organisation=source):
        twin = Affiliation.objects.filter(
            Q(membership=affiliation.membership_id)
            & Q(organisation=target)
            & Q(relation=affiliation.relation)
        ).first()
        if twin is None:
            affiliation.organisation = target
            affiliation.save(update_fields=["organisation"])
        else:
            twin.public = twin.public or affiliation.public
            twin.verified = twin.verified or affiliation.verified
            twin.save(update_fields=["public", "verified"])
            affiliation.delete()
