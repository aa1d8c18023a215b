"""The municipalities members typed on their profiles and stories, before organisations
existed, mapped to organisations (organisations.matching): a profile's becomes an
affiliation ("woont in" for a municipality, public when the profile showed it), a
story's its organisation. What matches nothing stays as text and is listed for curators
(UnmatchedName). The text fields are left as they were, so the reverse is exact: it
removes what this made."""

from django.db import migrations


def free_text_map(apps, schema_editor):
    from organisations.matching import index_build, match

    Organisation = apps.get_model("organisations", "Organisation")
    Affiliation = apps.get_model("organisations", "Affiliation")
    UnmatchedName = apps.get_model("organisations", "UnmatchedName")
    Profile = apps.get_model("members", "Profile")
    Story = apps.get_model("stories", "Story")

    organisations = Organisation.objects.filter(successor=None)
    index = index_build(organisations.values_list("pk", "name", "cbs_code"))
    kinds = dict(organisations.values_list("pk", "kind"))
    unmatched = set()
    for membership_id, text, visibility in (
        Profile.objects.exclude(municipality="")
        .filter(membership__user__isnull=False)
        .values_list("membership_id", "municipality", "visibility")
        .iterator()
    ):
        organisation_id = match(text, index)
        if organisation_id is None:
            unmatched.add(text.strip())
            continue
        Affiliation.objects.get_or_create(
            membership_id=membership_id,
            organisation_id=organisation_id,
            relation="lives" if kinds[organisation_id] == "municipality" else "volunteers",
            defaults={"public": visibility == "full"},
        )
    texts = Story.objects.exclude(municipality="").filter(organisation=None)
    for text in texts.values_list("municipality", flat=True).distinct():
        organisation_id = match(text, index)
        if organisation_id is None:
            unmatched.add(text.strip())
        else:
            texts.filter(municipality=text).update(organisation_id=organisation_id)
    have = set(UnmatchedName.objects.values_list("name", flat=True))
    UnmatchedName.objects.bulk_create(
        UnmatchedName(name=name[:100]) for name in sorted(unmatched - have) if name
    )


def free_text_unmap(apps, schema_editor):
    apps.get_model("stories", "Story").objects.update(organisation=None)
    apps.get_model("organisations", "Affiliation").objects.all().delete()
    apps.get_model("organisations", "UnmatchedName").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_municipalities"),
        ("members", "0004_profile"),
        ("stories", "0009_story_organisation"),
    ]

    operations = [migrations.RunPython(free_text_map, free_text_unmap)]
