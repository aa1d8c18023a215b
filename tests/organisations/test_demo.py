import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from organisations.models import Affiliation, Coordinator, Organisation, OrganisationBatch
from stories.models import Story

pytestmark = pytest.mark.django_db


def test_load_demo_makes_founders_affiliations_coordinators_and_a_batch_once(client):
    call_command("load_demo", stdout=io.StringIO())
    founding = Organisation.objects.filter(founding=True)
    affiliations = Affiliation.objects.count()
    assert founding.count() == 11
    assert Coordinator.objects.count() == 2
    assert OrganisationBatch.objects.get().batch.codes.count() == 10
    assert affiliations >= 12
    named = Story.objects.exclude(municipality="").filter(municipality__in=["Zwolle", "Deventer"])
    assert named.exists()
    assert not named.filter(organisation=None).exists()

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "coordinators:" in out.getvalue()
    assert Affiliation.objects.count() == affiliations
    assert Coordinator.objects.count() == 2
    assert OrganisationBatch.objects.count() == 1

    response = client.get(reverse("organisations:municipality_list"))
    listed = response.context["page"].object_list
    assert [o.founding for o in listed[:11]] == [True] * 11
    colophon = client.get(reverse("book:colophon")).content.decode()
    assert "demodata" in colophon


def test_load_demo_brings_the_municipalities_back_into_an_emptied_database():
    Organisation.objects.all().delete()
    call_command("load_demo", stdout=io.StringIO())
    assert Organisation.objects.municipalities().count() == 342
    assert Organisation.objects.filter(founding=True).count() == 11
