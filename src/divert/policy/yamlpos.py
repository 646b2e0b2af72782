"""YAML that remembers where things are, so every policy mistake can name its file:line:col.

PyYAML's composer knows the position of every node; this loader keeps it on the mappings
and lists it builds (`LocDict.where(key)`), while the values stay plain dicts, lists,
strings, numbers and dates, so the rest of the loader reads ordinary Python data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from divert.errors import PolicyError

Position = tuple[int, int]  # 1-based line and column


class LocDict(dict[str, Any]):
    """A mapping from the file, with the position of itself, each key and each value."""

    position: Position = (0, 0)
    keys_at: dict[str, Position]
    values_at: dict[str, Position]

    def where(self, key: str) -> Position:
        """Where `key`'s value starts (or, for a missing key, where the mapping starts)."""
        return getattr(self, "values_at", {}).get(key, self.position)

    def key_at(self, key: str) -> Position:
        return getattr(self, "keys_at", {}).get(key, self.position)


class LocList(list[Any]):
    """A list from the file, with the position of itself and of each item."""

    position: Position = (0, 0)
    items_at: list[Position]

    def where(self, index: int) -> Position:
        items = getattr(self, "items_at", [])
        return items[index] if index < len(items) else self.position


def _pos(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader (no Python objects, ever) that builds LocDict and LocList."""

    def construct_mapping(  # type: ignore[override]
        self, node: MappingNode, deep: bool = False
    ) -> LocDict:
        result = LocDict()
        result.position = _pos(node)
        result.keys_at, result.values_at = {}, {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                # A number or date key (e.g. an unquoted clause 2.1): keep its text, mark it.
                key = f"\x00{key_node.value}"
            result[key] = self.construct_object(value_node, deep=True)
            result.keys_at[key] = _pos(key_node)
            result.values_at[key] = _pos(value_node)
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocList:
        result = LocList(
            self.construct_object(child, deep=True)
            for child in node.value
        )
        result.position = _pos(node)
        result.items_at = [_pos(child) for child in node.value]
        return result


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


def load_yaml(path: Path, shown: str) -> Any:
    """Read one YAML file with positions; a syntax error becomes a PolicyError at its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read the file: {exc}", path=shown) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader: no Python objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "not valid YAML"
        raise PolicyError(
            f"this is not valid YAML: {problem}",
            path=shown,
            line=line,
            column=column,
            hint="check the indentation, and quote text that contains ': ' or '#'",
        ) from exc
