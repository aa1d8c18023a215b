from django.db import migrations
from django.db.models import Max


def create_counter(apps, schema_editor):
    """The one counter row, starting at the highest number already given (if any)."""
    Membership = apps.get_model("members", "Membership")
    MembershipCounter = apps.get_model("members", "MembershipCounter")
    highest = Membership.objects.aggregate(highest=Max("number"))["highest"] or 0
    MembershipCounter.objects.update_or_create(pk=1, defaults={"last_number": highest})


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0002_codes_invitations_counter"),
    ]

    operations = [
        migrations.RunPython(create_counter, migrations.RunPython.noop),
    ]
