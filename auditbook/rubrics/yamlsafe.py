"""A safe YAML loader that remembers where each value came from.

Dates stay strings (an auditor's "2024-05-01" is text until a question type says otherwise),
duplicate keys are an error rather than a silent overwrite, and every mapping and sequence
records the line of each of its entries so that errors can point at the file.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml


class LineDict(dict):
    """A dict that knows the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that knows the 1-based line of itself and of each entry."""

    line: int = 0
    item_lines: list


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int, first_line: int):
        super().__init__(f"duplicate key {key!r} (first given on line {first_line})")
        self.key, self.line, self.first_line = key, line, first_line


class _Loader(yaml.SafeLoader):
    pass


# Leave dates and times as the strings the author typed.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):  # "? [a, b]": a list or mapping cannot be a key
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found a list or mapping used as a key", key_node.start_mark,
            )  # fmt: skip
        if isinstance(key, (int, float, bool)) or key is None:
            # YAML 1.1 reads yes/no/on/off as booleans; as a key the author meant text.
            key = key_node.value
        line = key_node.start_mark.line + 1
        if key in out:
            raise DuplicateKey(str(key), line, out.key_lines[key])
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str) -> Any:
    """Parse YAML text into plain values with line information; raises yaml.YAMLError."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except RecursionError:  # PyYAML recurses once per level: "[[[[…" thousands deep
        raise yaml.YAMLError("lists or mappings are nested too deeply") from None
    except ValueError as e:  # a number of more than 4,300 digits
        raise yaml.YAMLError(f"a value cannot be read ({e})") from None


def line_of(data: Any, path: tuple) -> int | None:
    """The line of the deepest entry along *path* that the YAML gave a line for."""
    line = getattr(data, "line", None) or None
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
