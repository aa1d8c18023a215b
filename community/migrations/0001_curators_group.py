"""The Curators group with exactly the permissions of core.roles.
CURATOR_PERMISSIONS. A later app whose models curators need adds them there and
ships a data migration like this one (depending on its own models' migration)."""

from django.db import migrations


def sync(apps, schema_editor):
    from core.roles import curators_group_sync

    curators_group_sync(apps=apps, using=schema_editor.connection.alias)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("book", "0003_editions"),
        ("members", "0003_membership_counter_row"),
        ("stories", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, remove)]
