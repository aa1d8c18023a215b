from django.db import migrations, models


def first_revisions(apps, schema_editor):
    """Every chapter that has no history yet gets revision 1: its text as it stands."""
    Chapter = apps.get_model("book", "Chapter")
    ChapterRevision = apps.get_model("book", "ChapterRevision")
    chapters = Chapter.objects.filter(revisions__isnull=True).only("pk", "title", "body")
    ChapterRevision.objects.bulk_create(
        [
            ChapterRevision(
                chapter=chapter, number=1, title=chapter.title, body=chapter.body, source="begin"
            )
            for chapter in chapters.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0007_chapter_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="chapterrevision",
            name="source",
            field=models.CharField(
                choices=[
                    ("begin", "De tekst toen de versies begonnen"),
                    ("curation", "Bewerkt door de redactie"),
                    ("admin", "Bewerkt in het beheer"),
                    ("import", "Ingelezen uit bestanden"),
                ],
                default="curation",
                max_length=10,
                verbose_name="herkomst",
            ),
        ),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
