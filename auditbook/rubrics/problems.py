"""What is wrong in a rubric, guidance or exercise file, in a QA officer's terms.

Each problem names the file, the line, the item and the key, says what was expected and what
was found, and gives a hint. Pydantic's errors are turned into these here, so no message shows
the model's own wording.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import yamlsafe
from .model import ITEM_TYPES


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    item: str | None
    key: str | None
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where + ":"]
        if self.item:
            parts.append(f"{self.item},")
        if self.key:
            parts.append(f"key '{self.key}':")
        text = " ".join(parts) + " " + self.message
        if self.expected:
            text += f". Expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        text += "."
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class RubricError(ValueError):
    """A rubric file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ----------------------------------------------------------------------------- helpers


def shorten(value: Any, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KINDS = {
    "sections": "section",
    "items": "item",
    "scales": "scale",
    "levels": "level",
    "options": "option",
    "evidence": "evidence",
    "documents": "document",
    "escalation": "escalation rule",
}


def id_along(data: Any, path: tuple) -> str | None:
    """Names the innermost item (or section, scale …) along path: "item 'x'"."""
    found, node, parent_key = None, data, None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, str):
            parent_key = step
        elif isinstance(node, dict):
            ident = node.get("id") or node.get("key")
            kind = _KINDS.get(parent_key, "entry")
            found = f"{kind} '{ident}'" if isinstance(ident, str) else f"{kind} {step + 1}"
    return found


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that the mapping at pydantic's error location is validated against."""
    model: type[BaseModel] | None = root
    for step in loc:
        if isinstance(step, int):
            continue
        if step in ITEM_TYPES and (model is None or step not in model.model_fields):
            model = ITEM_TYPES[step]
        elif model is not None and step in model.model_fields:
            model = _unwrap(model.model_fields[step].annotation)
        else:
            return None
    return model


def _unwrap(ann: Any) -> type[BaseModel] | None:
    """The single model inside list[...], X | None or Annotated[...]; None for a union of items."""
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    if get_origin(ann) in (list, dict):
        return _unwrap(get_args(ann)[-1])
    if get_origin(ann) in (Union, UnionType):
        models = [a for a in get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _node_at(data: Any, path: tuple) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# ----------------------------------------------------------------- structural problems


def from_validation(err: ValidationError, file: str, raw: Any, root: type) -> list[Problem]:
    problems = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        # Drop the discriminator tag pydantic inserts ("grade" in sections.0.items.1.grade.x).
        path = tuple(
            s
            for i, s in enumerate(loc)
            if not (s in ITEM_TYPES and i and isinstance(loc[i - 1], int))
        )
        line = yamlsafe.line_of(raw, path)
        item = id_along(raw, path)
        key = next((str(s) for s in reversed(path) if isinstance(s, str)), None)
        kind = e["type"]
        if kind == "extra_forbidden":
            parent = _model_at(root, loc[:-1])
            valid = sorted(parent.model_fields) if parent else []
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    key,
                    "unknown key",
                    expected="one of " + ", ".join(valid) if valid else None,
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "remove it or check the spelling against docs/rubric-format.md.",
                )
            )
        elif kind == "missing":
            hint = f"add '{key}:' here; see docs/rubric-format.md."
            parent = _node_at(raw, path[:-1])
            if isinstance(parent, dict):
                close = difflib.get_close_matches(key, [str(k) for k in parent], n=1, cutoff=0.6)
                if close:
                    hint = f"is '{close[0]}' a misspelling of '{key}'?"
            problems.append(Problem(file, line, item, key, "required key is missing", hint=hint))
        elif kind == "union_tag_invalid":
            found = e["ctx"]["tag"]
            close = difflib.get_close_matches(str(found), list(ITEM_TYPES), n=1)
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    "type",
                    "unknown item type",
                    expected="one of " + ", ".join(ITEM_TYPES),
                    found=repr(found),
                    hint=f"did you mean '{close[0]}'?" if close else None,
                )
            )
        elif kind == "union_tag_not_found":
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    "type",
                    "the item has no type",
                    expected="one of " + ", ".join(ITEM_TYPES),
                    hint="add 'type:' to the item.",
                )
            )
        else:
            msg = e["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            value = e.get("input")
            hint = "see docs/rubric-format.md for this key."
            if isinstance(value, bool):
                hint = (
                    "YAML reads unquoted yes/no/on/off/true/false as true or false; "
                    'write the text in quotes, e.g. "yes".'
                )
            problems.append(
                Problem(
                    file,
                    line,
                    item,
                    key,
                    msg,
                    found=None if isinstance(value, (dict, list)) else shorten(value),
                    hint=hint,
                )
            )
    return problems


# -------------------------------------------------------------- cross-reference problems
