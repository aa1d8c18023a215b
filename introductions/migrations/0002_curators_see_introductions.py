"""The Curators group gets the introductions' permissions (core.roles)."""

from django.db import migrations


def sync(apps, schema_editor):
    from core.roles import curators_group_sync

    curators_group_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("introductions", "0001_participation_rounds_introductions"),
        ("community", "0001_curators_group"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
