import csv

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Affiliation, Kind, Organisation, Province
from organisations.municipalities import DATA_FILE, data_file_rows
from tests.factories import AffiliationFactory, MembershipFactory, StoryFactory

pytestmark = pytest.mark.django_db


def municipality(code: str) -> Organisation:
    return Organisation.objects.get(cbs_code=code)


def file_with(tmp_path, changes=(), *, drop=(), extra=()):
    """The shipped file, with rows changed ({code: {column: value}}), dropped or added."""
    path = tmp_path / "gemeenten.csv"
    changes = dict(changes)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["cbs_code", "name", "province", "successor"])
        writer.writeheader()
        for row in data_file_rows():
            if row.cbs_code in drop:
                continue
            record = {"cbs_code": row.cbs_code, "name": row.name, "province": row.province}
            writer.writerow({**record, **changes.get(row.cbs_code, {})})
        for record in extra:
            writer.writerow(record)
    return path


def test_every_municipality_of_the_data_file_is_an_organisation():
    municipalities = Organisation.objects.municipalities()
    assert municipalities.count() == 342 == len(data_file_rows())
    zwolle = municipality("GM0193")
    assert (zwolle.name, zwolle.slug, zwolle.province, zwolle.kind) == (
        "Zwolle",
        "zwolle",
        Province.OVERIJSSEL,
        Kind.MUNICIPALITY,
    )
    assert municipality("GM0796").slug == "s-hertogenbosch"
    assert set(municipalities.values_list("province", flat=True)) == set(Province.values)


def test_the_shipped_file_reads_back_without_changes(capsys):
    call_command("update_municipalities", str(DATA_FILE))
    assert "342 gemeenten bijgewerkt." in capsys.readouterr().out
    assert Organisation.objects.municipalities().count() == 342


def test_a_merger_moves_affiliations_and_stories_to_the_successor(tmp_path):
    zwolle, kampen = municipality("GM0193"), municipality("GM0166")
    both = MembershipFactory()
    AffiliationFactory(membership=both, organisation=zwolle, public=True)
    AffiliationFactory(membership=both, organisation=kampen, public=False)
    only_zwolle = AffiliationFactory(organisation=zwolle, verified=True)
    story = StoryFactory(organisation=zwolle)

    call_command(
        "update_municipalities",
        str(file_with(tmp_path, {"GM0193": {"successor": "GM0166"}})),
    )

    zwolle.refresh_from_db()
    story.refresh_from_db()
    assert zwolle.successor == kampen
    assert story.organisation == kampen
    assert not Affiliation.objects.filter(organisation=zwolle).exists()
    merged = Affiliation.objects.get(membership=both, organisation=kampen)
    assert merged.public
    assert Affiliation.objects.get(membership=only_zwolle.membership).organisation == kampen
    assert Organisation.objects.current().municipalities().count() == 341


def test_new_and_renamed_municipalities_are_taken_over(tmp_path, capsys):
    path = file_with(
        tmp_path,
        {"GM0193": {"name": "Zwolle aan de Vecht"}},
        extra=[{"cbs_code": "GM9999", "name": "Nieuwland", "province": "FL"}],
    )
    call_command("update_municipalities", str(path))
    assert municipality("GM0193").name == "Zwolle aan de Vecht"
    assert municipality("GM0193").slug == "zwolle"
    assert municipality("GM9999").slug == "nieuwland"
    out = capsys.readouterr().out
    assert "nieuw: Nieuwland" in out
    assert "nieuwe naam: Zwolle → Zwolle aan de Vecht" in out


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"changes": {"GM0193": {"successor": "GM9998"}}}, "GM9998, een onbekende CBS-code"),
        ({"changes": {"GM0193": {"cbs_code": "0193"}}}, "'0193' is geen CBS-code zoals GM0193"),
        ({"changes": {"GM0193": {"province": "XX"}}}, "'XX' is geen provincie"),
        ({"changes": {"GM0193": {"name": ""}}}, "de naam ontbreekt"),
        ({"drop": {"GM0193"}}, "GM0193 Zwolle staat niet in het bestand"),
        (
            {"extra": [{"cbs_code": "GM0014", "name": "Groningen", "province": "GR"}]},
            "GM0014 staat er twee keer in",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_reason(tmp_path, kwargs, message):
    kwargs.setdefault("changes", {})
    path = file_with(
        tmp_path,
        {**kwargs.pop("changes"), "GM0166": {"name": "Kampen aan Zee"}},
        **kwargs,
    )
    AffiliationFactory(organisation=municipality("GM0193"))

    with pytest.raises(CommandError) as refusal:
        call_command("update_municipalities", str(path))

    assert message in str(refusal.value)
    assert "er is niets veranderd" in str(refusal.value)
    assert municipality("GM0166").name == "Kampen"
    assert municipality("GM0193").successor is None
    assert Affiliation.objects.filter(organisation__cbs_code="GM0193").count() == 1


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Kan .* niet lezen"):
        call_command("update_municipalities", str(tmp_path / "er-niet.csv"))
