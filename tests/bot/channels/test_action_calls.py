"""Rasa's check of action server answers: the same verdicts, the schema checked once."""

from __future__ import annotations

from unittest import mock

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.channels import action_calls


@pytest.fixture
def quick():
    original = RemoteAction._validate_action_result
    action_calls.validate_answers_quickly()
    yield RemoteAction("action_turn", None)
    RemoteAction._validate_action_result = original


def test_good_answers_pass_and_bad_ones_fail_as_rasa_reports_them(quick):
    good = {"events": [{"event": "slot", "name": "country", "value": "HK"}], "responses": []}
    assert quick._validate_action_result(good) is True
    with pytest.raises(jsonschema.ValidationError) as bad:
        quick._validate_action_result({"events": "not a list"})
    assert "Failed to validate Action server response" in bad.value.message


def test_the_schema_is_checked_once_not_once_per_answer(quick):
    action_calls._validator.cache_clear()
    with mock.patch.object(
        jsonschema.Draft202012Validator,
        "check_schema",
        wraps=jsonschema.Draft202012Validator.check_schema,
    ) as check:
        for _ in range(5):
            quick._validate_action_result({"events": [], "responses": []})
    assert check.call_count == 1
