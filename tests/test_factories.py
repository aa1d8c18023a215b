"""Every model of the apps has a factory in tests/factories.py, and what it makes is
valid: a new model without one fails here."""

from pathlib import Path

import factory
import pytest
from django.apps import apps

from tests import factories

ROOT = Path(__file__).resolve().parents[1]
#: The project's own apps (those in this repository), a new one included the day it lands.
APPS = [config.label for config in apps.get_app_configs() if Path(config.path).parent == ROOT]
FACTORIES = {
    value._meta.model: value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and value._meta.model is not None
}
MODELS = [model for label in APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_model_has_a_factory(model):
    assert model in FACTORIES


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_each_factory_makes_a_valid_saved_object(model):
    made = FACTORIES[model]()
    made.full_clean()
    assert model.objects.filter(pk=made.pk).exists()
