"""Rasa server: check the action server's replies against a validator built once, not once per reply.

Rasa 3.6 checks every reply of the action server with ``jsonschema.validate(reply, schema)``
(``RemoteAction._validate_action_result``), which first validates the *schema itself* against the JSON Schema
meta-schema. That meta-check was about 85% of the time Rasa spent on a custom action call here (profiled in
``bench/PROFILE.md``), for a schema that is a constant. :func:`install` replaces the method with one that
checks the schema once, keeps the validator and raises the same error (``best_match``, Rasa's message
suffix) for an invalid reply. Idempotent; only the Rasa server process calls it.
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


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:  # noqa: ARG001 - a method of RemoteAction
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

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
