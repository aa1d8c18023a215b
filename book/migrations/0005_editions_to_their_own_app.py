"""Editions moved to their own app (editions). Their tables stay where they are; this
only takes them out of the book's migration state, and editions 0001 takes them in."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0004_chapter_illustration_size_stories_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="editionchapter", name="edition_chapter_slug"),
                migrations.DeleteModel(name="EditionStory"),
                migrations.DeleteModel(name="EditionChapter"),
                migrations.DeleteModel(name="Edition"),
            ],
            database_operations=[],
        ),
    ]
