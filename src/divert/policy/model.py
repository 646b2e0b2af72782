"""A policy as values: versions with clauses, rules, a default and examples.

Loaded from YAML by policy/load.py; every engine reads these, never the YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from divert.policy.condition import Condition
from divert.policy.explain import Outcome, PolicyRef


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # kebab-case, stable forever
    clause: str  # the clause number it implements, exactly as in the source
    when: Condition
    when_text: str  # the condition as the lawyer wrote it
    outcome: Outcome
    says: str  # sentence shown when the rule holds; may use {placeholders}
    says_not: str | None = None  # sentence shown when it does not
    overrides: tuple[str, ...] = ()  # ids of the rules this one takes precedence over
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Default:
    outcome: Outcome
    says: str


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    case: Mapping[str, Any]  # as written in the examples file
    expect: Mapping[str, Any]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    id: str
    title: str
    jurisdiction: str
    version: int
    status: str  # draft | adopted | retired
    effective_from: date
    effective_to: date | None  # inclusive last day; None while in force
    applies_by: str  # the case date that selects the version: filing_date | contact_date
    clauses: Mapping[str, str]
    rules: tuple[Rule, ...]  # file order; order carries no meaning
    default: Default
    sha256: str  # of the canonical form, recorded with every decision
    path: str = ""
    sources: tuple[Mapping[str, str], ...] = ()
    examples: tuple[Example, ...] = ()

    @property
    def ref(self) -> PolicyRef:
        return PolicyRef(self.id, self.version, self.sha256, self.effective_from, self.effective_to)

    def is_in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class Policy:
    """Every version of one policy id, ordered by version number."""

    id: str
    versions: tuple[PolicyVersion, ...]

    def latest(self) -> PolicyVersion:
        return self.versions[-1]
