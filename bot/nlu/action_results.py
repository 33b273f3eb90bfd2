"""Rasa server: check the action server's replies against a validator built once, not once per reply.

Rasa 3.6 checks every reply of the action server with ``jsonschema.validate(reply, schema)``
(``RemoteAction._validate_action_result``), which first validates the *schema itself* against the JSON Schema
meta-schema. That meta-check was about 85% of the time Rasa spent on a custom action call here (profiled in
``bench/PROFILE.md``), for a schema that is a constant. :func:`install` replaces the method with one that
checks the schema once, keeps the validator and raises the same error (``best_match``, Rasa's message
suffix) for an invalid reply. Idempotent; only the Rasa server process calls it.

Even with the validator built once, a valid reply took about 1.6 ms: every event is checked against all 23
branches of the schema's ``oneOf`` (one per event type), to find that exactly one matches. Each branch fixes the
``event`` name with ``const``, so a branch naming another event can never match an event that has a name;
:func:`_valid` checks each event against the common part and the branches for its own name, which decides
validity exactly as the whole schema does (``tests/unit/nlu/test_action_results.py`` compares both on random
valid and broken replies). Only a reply it finds invalid goes through the whole schema, for Rasa's error.
"""

from __future__ import annotations

import functools
from typing import Any

_INSTALLED = "_iopbot_cached_validator"


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _parts() -> tuple[Any, Any, dict[str, list[Any]]]:
    """Validators for the reply without its events' item schema, for that schema without ``oneOf``, and for the
    ``oneOf`` branches by the event name each fixes."""
    import copy

    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    items = schema["properties"]["events"]["items"]
    outer = copy.deepcopy(schema)
    outer["properties"]["events"] = {key: value for key, value in outer["properties"]["events"].items()
                                     if key != "items"}
    common = {key: value for key, value in items.items() if key != "oneOf"}
    by_name: dict[str, list[Any]] = {}
    for branch in items["oneOf"]:
        by_name.setdefault(branch["properties"]["event"]["const"], []).append(cls(branch))
    return cls(outer), cls(common), by_name


def _valid(result: Any) -> bool:
    """Whether Rasa's schema accepts ``result`` (same verdict, without trying every event type on every event)."""
    outer, common, by_name = _parts()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        if not common.is_valid(event):
            return False
        if sum(branch.is_valid(event) for branch in by_name.get(event["event"], ())) != 1:
            return False
    return True


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:  # noqa: ARG001 - a method of RemoteAction
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if _valid(result):
        return True
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Use the cached validator in ``RemoteAction`` (this process)."""
    from rasa.core.actions.action import RemoteAction

    from bot.nlu.rasa_patch import patch_once

    patch_once(RemoteAction, _INSTALLED, _validate_action_result=_validate_action_result)
