"""The rubric-format documentation cannot drift from the model."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args, get_origin

from pydantic import BaseModel

from auditbook.rubrics.model import ITEM_TYPES, Guidance, Rubric
from auditbook.rubrics.schema import schema_json

DOC = Path("docs/rubric-format.md")


def _models(root: type[BaseModel], seen: set) -> set:
    if root in seen:
        return seen
    seen.add(root)
    for field in root.model_fields.values():
        stack = [field.annotation]
        while stack:
            ann = stack.pop()
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                _models(ann, seen)
            stack.extend(get_args(ann))
            if get_origin(ann) is not None:
                stack.append(get_origin(ann))
    return seen


def all_keys() -> set[str]:
    models = _models(Rubric, set()) | _models(Guidance, set()) | set(ITEM_TYPES.values())
    return {name for m in models for name in m.model_fields}


def test_every_item_type_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in ITEM_TYPES:
        assert f"| `{name}` |" in text, f"item type {name} missing from the type table"


def test_every_key_is_documented():
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    missing = sorted(all_keys() - documented)
    assert not missing, f"keys not documented in {DOC}: {missing}"


def test_worked_example_in_doc_is_the_example_file_and_valid():
    from auditbook import load_rubric

    text = DOC.read_text(encoding="utf-8")
    example = Path("docs/examples/example-audit.yaml").read_text(encoding="utf-8")
    assert example.strip() in text
    load_rubric("docs/examples/example-audit.yaml")


def test_published_schema_is_in_sync():
    published = Path("docs/rubric.schema.json").read_text(encoding="utf-8")
    assert published == schema_json(), "run `make schema` to regenerate docs/rubric.schema.json"
    json.loads(published)
