"""When each reader first opened a chapter for members (ReadingPosition.first_members_chapter_at).

Until now only the reading position told it, and the position keeps the last chapter a
reader opened: a member who opened a chapter for members and then an open one left no
trace of the first. The data step fills in the best knowledge there is: a reader whose
current position is a chapter for members opened one, at the latest when the position was
last saved (`updated_at`). Readers whose last chapter is an open one may have opened a
members' chapter before; that is lost and stays unknown (null) until they open one
again."""

from django.db import migrations, models
from django.db.models import F


def from_current_positions(apps, schema_editor):
    ReadingPosition = apps.get_model("book", "ReadingPosition")
    ReadingPosition.objects.filter(
        chapter__access="members", first_members_chapter_at__isnull=True
    ).update(first_members_chapter_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0008_chapter_revision_source_and_first_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="readingposition",
            name="first_members_chapter_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="eerste hoofdstuk voor leden geopend"
            ),
        ),
        migrations.RunPython(from_current_positions, migrations.RunPython.noop),
    ]
