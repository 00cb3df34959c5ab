"""Our components that learn nothing: built from their config alone, training data untouched."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import StatelessComponent
from bot.nlu.danger import DangerPhraseClassifier
from bot.nlu.language import LanguageDetector
from bot.nlu.places import PlaceEntityExtractor

COMPONENTS = [StatelessComponent, DangerPhraseClassifier, LanguageDetector, PlaceEntityExtractor]


@pytest.fixture
def graph_args(tmp_path):
    return (
        LocalModelStorage(tmp_path),
        Resource("component"),
        ExecutionContext(GraphSchema({}), "test-model"),
    )


@pytest.mark.parametrize("component", COMPONENTS)
def test_create_needs_nothing_but_the_config(component, graph_args):
    created = component.create(component.get_default_config(), *graph_args)
    assert isinstance(created, component)


@pytest.mark.parametrize("component", COMPONENTS)
def test_training_data_is_passed_on_untouched(component, graph_args):
    example = Message(data={"text": "tolong sy di riyadh", "intent": "report_abuse"})
    data = TrainingData([example])
    before = dict(example.data)
    created = component.create(component.get_default_config(), *graph_args)
    assert created.process_training_data(data) is data
    assert example.data == before


def test_there_are_no_options():
    assert StatelessComponent.get_default_config() == {}


def test_create_leaves_the_model_storage_empty(graph_args, tmp_path):
    """Nothing is persisted: the components are loaded by name at run time, never trained."""
    for component in COMPONENTS:
        component.create(component.get_default_config(), *graph_args)
    assert list(tmp_path.iterdir()) == []
