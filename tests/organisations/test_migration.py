"""The data migration that maps free-text municipalities to organisations, run on the
demo data with messy spellings, and back."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from members.models import Profile, Visibility
from organisations.models import Affiliation, Organisation, Relation, UnmatchedName
from stories.models import Story

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("organisations.migrations.0003_free_text_municipalities")

MESSY = {
    "zwolle": "GM0193",
    "Gemeente Zwolle": "GM0193",
    "  ZWOLLE ": "GM0193",
    "Den Bosch": "GM0796",
    "gemeente 's-hertogenbosch": "GM0796",
    "Sudwest Fryslan": "GM1900",
    "Súdwest-Fryslân": "GM1900",
    "Den Haag": "GM0518",
    "Laren": "GM0417",
}
UNMATCHED = ["Wijkbedrijf Zuidpoort", "Bergen", "Zwolle-Zuid"]


def run(function):
    """The migration's own function, on the models as they are at that migration. (Its
    RunPython runs inside the test's transaction; the executor cannot, on SQLite.)"""
    state = MigrationLoader(connection).project_state(
        ("organisations", "0003_free_text_municipalities")
    )
    function(state.apps, SimpleNamespace(connection=connection))


def test_messy_spellings_on_the_demo_data_map_to_organisations_and_back():
    call_command("load_demo", stdout=io.StringIO())
    run(MIGRATION.free_text_unmap)
    assert not Affiliation.objects.exists()
    profiles = list(Profile.objects.filter(membership__user__isnull=False).order_by("pk"))
    spellings = list(MESSY) + UNMATCHED
    assert len(profiles) >= len(spellings)
    for profile, text in zip(profiles, spellings, strict=False):
        profile.municipality = text
        profile.save(update_fields=["municipality"])
    stories = list(Story.objects.order_by("pk"))
    for story, text in zip(stories, spellings, strict=False):
        story.municipality = text
        story.save(update_fields=["municipality"])
    stories_before = {story.pk: story.municipality for story in stories}

    run(MIGRATION.free_text_map)

    for profile, text in zip(profiles, spellings, strict=False):
        affiliation = Affiliation.objects.filter(membership=profile.membership_id).first()
        if text in MESSY:
            assert affiliation.organisation.cbs_code == MESSY[text], text
            assert affiliation.relation == Relation.LIVES
            assert affiliation.public == (profile.visibility == Visibility.FULL)
            assert not affiliation.verified
        else:
            assert affiliation is None, text
    for story in Story.objects.filter(pk__in=stories_before):
        text = story.municipality
        assert text == stories_before[story.pk]
        if text in MESSY:
            assert story.organisation.cbs_code == MESSY[text]
        elif text in UNMATCHED:
            assert story.organisation is None
    # The demo's invented places ("Gemeente Lindeveen") are listed as well.
    listed = set(UnmatchedName.objects.values_list("name", flat=True))
    assert set(UNMATCHED) <= listed
    assert not listed & {text.strip() for text in MESSY}
    assert Organisation.objects.municipalities().count() == 342

    run(MIGRATION.free_text_unmap)

    assert not Affiliation.objects.exists()
    assert not UnmatchedName.objects.exists()
    assert not Story.objects.exclude(organisation=None).exists()
    kept = Story.objects.filter(pk__in=stories_before).values_list("pk", "municipality")
    assert dict(kept) == stories_before
    run(MIGRATION.free_text_map)
