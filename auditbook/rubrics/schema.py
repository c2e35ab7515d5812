"""The JSON Schema of the rubric format, generated from the model for editor completion."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from .model import Guidance, Rubric

SCHEMA_ID = "https://auditbook.invalid/rubric.schema.json"


def rubric_schema() -> dict:
    """A JSON Schema accepting a rubric file or a guidance file."""
    schema = TypeAdapter(Rubric | Guidance).json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "auditbook rubric or guidance file"
    return schema


def schema_json() -> str:
    return json.dumps(rubric_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
