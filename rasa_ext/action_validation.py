"""Validate custom action responses with a validator built once.

Rasa 3.6 calls `jsonschema.validate(response, schema)` for every custom action response
(action_detect_language runs after every message, and most replies come from custom
actions). `validate` first checks the constant schema against the JSON Schema meta-schema:
about 45 ms of CPU per call, most of Rasa's time per message. Same schema, same checks, same
error message; only the per-call meta-schema check is gone.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
