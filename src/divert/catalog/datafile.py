"""Reading the catalog's data files with line numbers, and collecting every mistake found.

YAML mappings remember the line they start on, so a loader can say ``file:line: what was
wrong`` about any entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from divert.errors import CatalogError


class LineMap(dict[str, Any]):
    """A YAML mapping that remembers the line it started on."""

    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap(loader.construct_pairs(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


@dataclass
class Problems:
    """Every mistake found while loading, reported together."""

    items: list[str] = field(default_factory=list)

    def add(self, path: Path, line: int, message: str) -> None:
        self.items.append(f"{path}:{line}: {message}")

    def raise_any(self) -> None:
        if self.items:
            raise CatalogError("\n".join(self.items))


def read_yaml(path: Path) -> LineMap:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError as exc:
        raise CatalogError(f"{path}: the catalog names this file but it does not exist") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise CatalogError(f"{path}:{line}: not valid YAML: {exc}") from exc
    if not isinstance(data, LineMap):
        raise CatalogError(f"{path}:1: expected a mapping of keys at the top of the file")
    return data
