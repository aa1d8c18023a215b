"""What load_demo wrote into the book, so that it never overwrites a curator's edits."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0005_editions_to_their_own_app"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("part", models.CharField(max_length=220)),
                ("digest", models.CharField(max_length=64)),
                ("written_at", models.DateTimeField(auto_now=True)),
                (
                    "book",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="book.book",
                    ),
                ),
            ],
            options={
                "verbose_name": "geïmporteerd deel",
                "verbose_name_plural": "geïmporteerde delen",
                "constraints": [
                    models.UniqueConstraint(fields=("book", "part"), name="import_record_part")
                ],
            },
        ),
    ]
