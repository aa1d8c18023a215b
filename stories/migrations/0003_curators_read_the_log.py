"""Curators read the moderation log (view permission only: nobody changes it). The
permission is declared in core.roles.CURATOR_PERMISSIONS; this runs the
group sync again now that the model's permissions can exist."""

from django.db import migrations


def sync(apps, schema_editor):
    from core.roles import curators_group_sync

    curators_group_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_moderation_audit_log"),
        ("community", "0001_curators_group"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
