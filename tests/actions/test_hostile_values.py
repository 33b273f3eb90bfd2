"""Entity and slot values of any JSON shape never make an action raise (a payload is read by type)."""

import json

import pytest

from actions.common import clicked_choice_id, screening_data
from tests.actions.conftest import make_tracker

SHAPES = [{"$ne": 1}, ["a", "b"], None, 3, 1.5, True, json.dumps({"x": 1}), {"choice": {"$gt": ""}}]


@pytest.mark.parametrize("value", SHAPES)
def test_clicked_choice_ignores_values_that_are_not_a_choice_id(value):
    questionnaire, _ = screening_data()
    with_choices = [q for q in questionnaire.questions if q.choices]
    assert with_choices
    for question in with_choices:
        tracker = make_tracker("x", entities=[{"entity": "choice", "value": value}])
        assert clicked_choice_id(tracker, question) is None
