"""Credits in published editions keep the name the member chose and the number apart.

Publishing used to store "Lid nr. N" (or "Member no. N", in English) as the name of an
author without a chosen name, and the credit then added the number again ("Lid nr. 8,
lid nr. 8"); an author who had already left was stored as "Een oud-lid" ("A former
member") beside their number. The name becomes empty in both cases, and a departed
author keeps no number, as editions.services.credit_parts now stores them."""

from django.db import migrations

NUMBER_NAMES = ("Lid nr. {}", "Member no. {}")
FORMER_MEMBER_NAMES = ("Een oud-lid", "A former member")


def names_without_numbers(apps, schema_editor):
    EditionStory = apps.get_model("editions", "EditionStory")
    EditionStory.objects.filter(author_name__in=FORMER_MEMBER_NAMES).update(
        author_name="", member_number=None
    )
    stale = EditionStory.objects.filter(member_number__isnull=False).exclude(author_name="")
    for story in stale.only("pk", "author_name", "member_number").iterator():
        if story.author_name in {name.format(story.member_number) for name in NUMBER_NAMES}:
            EditionStory.objects.filter(pk=story.pk).update(author_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("editions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(names_without_numbers, migrations.RunPython.noop, elidable=True),
    ]
