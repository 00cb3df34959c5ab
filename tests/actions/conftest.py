import pytest
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def texts(dispatcher):
    """All texts the dispatcher collected, in order."""
    return lambda: [m.get("text") or "" for m in dispatcher.messages]
