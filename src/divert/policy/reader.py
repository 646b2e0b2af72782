"""Collecting every mistake in one policy file, each with its `file:line:col`.

The author of a policy sees all of them at once, not one per run.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from divert.errors import PolicyError, PolicyErrors
from divert.policy.language import suggest
from divert.policy.yamlpos import LocDict, LocList, load_yaml


def shown(path: Path) -> str:
    """A path as errors show it: relative to the working directory when it is under it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


class Reader:
    """Collects errors while reading one file, so the author sees all of them at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.errors: list[PolicyError] = []

    def error(self, message: str, at: tuple[int, int], *, rule: str | None = None,
              hint: str | None = None) -> None:
        line, column = at
        self.errors.append(PolicyError(message, path=self.path, line=line or None,
                                       column=column or None, rule_id=rule, hint=hint))

    def keys(
        self, data: LocDict, spec: dict[str, bool], what: str, rule: str | None = None
    ) -> bool:
        ok = True
        for key in data:
            if key not in spec:
                guess = suggest(key.lstrip("\x00"), list(spec))
                self.error(f"{what} has an unknown field '{key.lstrip(chr(0))}'", data.key_at(key),
                           rule=rule, hint=f"did you mean '{guess}'?" if guess else None)
        for key, required in spec.items():
            if required and key not in data:
                self.error(f"{what} is missing the required field '{key}'", data.position,
                           rule=rule)
                ok = False
        return ok

    def text(self, data: LocDict, key: str, what: str, rule: str | None = None) -> str:
        value = data.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.error(f"{what} must be text in quotes, found the number {value}",
                       data.where(key), rule=rule, hint=f'write "{value}"')
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.error(f"{what} must be non-empty text", data.where(key), rule=rule)
            return ""
        return value.strip()

    def choice(self, data: LocDict, key: str, choices: tuple[str, ...], what: str,
               rule: str | None = None) -> str | None:
        value = data.get(key)
        if value not in choices:
            guess = suggest(str(value), choices)
            self.error(f"{what} '{value}' is not one of {', '.join(choices)}", data.where(key),
                       rule=rule, hint=f"did you mean '{guess}'?" if guess else None)
            return None
        return str(value)

    def day(self, data: LocDict, key: str, what: str) -> date | None:
        value = data.get(key)
        if isinstance(value, date):
            return value
        self.error(f"{what} must be a date written YYYY-MM-DD, found {value!r}", data.where(key))
        return None



def load_list(path: Path, key: str, what: str) -> tuple[Reader, LocDict, LocList]:
    """A YAML file holding a list under `key`: its reader, the mapping and the list.

    Raises:
        PolicyErrors: the file does not parse, or has no such list.
    """
    reader = Reader(shown(path))
    try:
        data = load_yaml(path, reader.path)
    except PolicyError as exc:
        raise PolicyErrors([exc]) from exc
    items = data.get(key) if isinstance(data, LocDict) else None
    if not isinstance(data, LocDict) or not isinstance(items, LocList):
        reader.error(f"{what} must have a list '{key}'", (1, 1))
        raise PolicyErrors(reader.errors)
    return reader, data, items
