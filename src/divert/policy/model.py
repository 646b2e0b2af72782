"""A policy as values: versions with clauses, rules, a default and examples.

Loaded from YAML by policy/load.py; every engine reads these, never the YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from divert.policy.charge_list import ChargeList
from divert.policy.condition import Condition
from divert.policy.explain import Disposition, Outcome, PolicyRef

APPROVALS = {
    "supervisor": "the unit supervisor",
    "district_attorney": "the unit supervisor, and then the District Attorney or the First "
                         "Assistant",
}  # fmt: skip


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
    vehicle: str | None = None  # a divert rule's legal vehicle (vehicles.yaml)
    bars: tuple[str, ...] = ()  # "<vehicle>/<bar>": the vehicle bars this rule's `when` applies
    approval: str | None = None  # who must approve this outcome before it takes effect
    override_approval: str | None = None  # who must approve departing from it
    allows: tuple[Outcome, ...] = ()  # other requests that are no departure (bail: unsecured)


@dataclass(frozen=True, slots=True)
class ChargeRule:
    """A rule over one charge at a time: a memo that declines some counts, not the case."""

    id: str
    clause: str
    when: Condition  # reads only charge facts (the body of a quantifier)
    when_text: str
    disposition: Disposition
    says: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence the decision carries when its condition holds; it decides nothing."""

    clause: str
    when: Condition
    when_text: str
    says: str


@dataclass(frozen=True, slots=True)
class ClauseBasis:
    """Where a clause comes from: a cited source, or this project's labelled assumption."""

    kind: str  # "source" | "assumption"
    text: str


@dataclass(frozen=True, slots=True)
class Term:
    """A supervision outcome's cap and the average the office aims at, in months."""

    cap_months: int
    average_months: int
    clause: str


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
    charge_rules: tuple[ChargeRule, ...] = ()
    bases: Mapping[str, ClauseBasis] = field(default_factory=dict)  # clause number -> basis
    assumptions: Mapping[str, str] = field(default_factory=dict)  # assume.* fact -> its words
    corrects: tuple[int, ...] = ()  # versions whose encoding this one corrects, on their dates
    baseline: str | None = None  # the policy this one may never be harsher than
    notes: tuple[Note, ...] = ()  # sentences for the reader, e.g. that PAD was tried first
    kind: str = "charging"  # charging | bail | supervision: which outcomes it may name
    charge_list: ChargeList | None = None  # the list `listed` / `maybe_listed` read
    terms: Mapping[str, Term] = field(default_factory=dict)  # supervision: outcome -> months

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

    def corrected(self) -> frozenset[int]:
        """Version numbers a later version corrects: kept for the record, never selected."""
        return frozenset(n for v in self.versions for n in v.corrects)

    def live(self) -> tuple[PolicyVersion, ...]:
        """The versions that can still be selected for a case."""
        gone = self.corrected()
        return tuple(v for v in self.versions if v.version not in gone)
