"""Rasa's check of each action server answer, without re-checking the schema every time.

Rasa validates every answer of the action server with ``jsonschema.validate``, which first
checks the schema itself against the JSON Schema meta-schema: that was half of Rasa's CPU per
turn (``bench.profile``, docs/benchmarks.md). The schema never changes, so it is checked
once and its validator kept; every answer is still validated against it and a bad one fails
the same way, with Rasa's message.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.cache
def _validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, not once per turn
    return cls(schema)


def _validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the kept validator."""
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        "the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def validate_answers_quickly() -> None:
    """Install the kept validator in Rasa (idempotent; every channel calls it)."""
    RemoteAction._validate_action_result = _validate_action_result
