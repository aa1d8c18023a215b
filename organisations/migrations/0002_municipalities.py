"""Every Dutch municipality of 2025 (organisations/data/municipalities.csv), and the
curators' permissions on the new models."""

from django.db import migrations


def municipalities_load(apps, schema_editor):
    from organisations.municipalities import data_file_rows, slug_free

    Organisation = apps.get_model("organisations", "Organisation")
    have = set(Organisation.objects.exclude(cbs_code=None).values_list("cbs_code", flat=True))
    taken = set(Organisation.objects.values_list("slug", flat=True))
    Organisation.objects.bulk_create(
        Organisation(
            name=row.name,
            slug=slug_free(row.name, taken=taken),
            kind="municipality",
            cbs_code=row.cbs_code,
            province=row.province,
            verified=True,
        )
        for row in data_file_rows()
        if row.cbs_code not in have
    )


def municipalities_unload(apps, schema_editor):
    from organisations.municipalities import data_file_rows

    Organisation = apps.get_model("organisations", "Organisation")
    codes = [row.cbs_code for row in data_file_rows()]
    Organisation.objects.filter(cbs_code__in=codes, affiliations=None).delete()


def curators_sync(apps, schema_editor):
    from core.roles import curators_group_sync

    curators_group_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_organisations_affiliations_coordinators"),
        ("community", "0001_curators_group"),
    ]

    operations = [
        migrations.RunPython(municipalities_load, municipalities_unload),
        migrations.RunPython(curators_sync, migrations.RunPython.noop),
    ]
