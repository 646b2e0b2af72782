"""A screening decision as values only: outcome, deciding rule ids, every rule's truth, facts.

A Decision serializes to stable JSON so it can be stored with the case, shown to the ADA and
compared across engines (drop `engine` and they must be equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Truth(StrEnum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"  # a needed fact was missing or could not be normalized


class Outcome(StrEnum):
    DIVERT = "divert"
    PROSECUTE = "prosecute"
    DECLINE = "decline"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True, slots=True)
class PolicyRef:
    id: str
    version: int
    sha256: str
    effective_from: date
    effective_to: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "effective": {
                "from": self.effective_from.isoformat(),
                "to": self.effective_to.isoformat() if self.effective_to else None,
            },
        }


@dataclass(frozen=True, slots=True)
class ChargeFinding:
    """How one written charge was read: citation, category, how and how surely."""

    index: int
    as_written: str
    citation: str | None
    category: str | None  # None when the wording could not be read (unknown)
    match: str  # MatchedBy value, or "unknown"
    confidence: float
    catalog: str
    reason: str | None = None  # why it is unknown
    candidates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "as_written": self.as_written,
            "citation": self.citation,
            "category": self.category,
            "match": self.match,
            "confidence": self.confidence,
            "catalog": self.catalog,
        }
        if self.reason is not None:
            out["reason"] = self.reason
            out["candidates"] = list(self.candidates)
        return out


@dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str
    clause: str
    truth: Truth
    outcome: Outcome | None  # set only when the rule fired
    says: str  # rendered sentence, from the policy file
    facts: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "truth": self.truth.value,
            "outcome": self.outcome.value if self.outcome else None,
            "says": self.says,
            "facts": dict(self.facts),
        }


@dataclass(frozen=True, slots=True)
class Decision:
    case_id: str
    outcome: Outcome
    because: tuple[str, ...]
    rules: tuple[RuleResult, ...]
    charges: tuple[ChargeFinding, ...]
    unknowns: tuple[str, ...]
    policy: PolicyRef
    as_of: date | None
    selected_by: str
    engine: str
    notes: tuple[str, ...] = ()  # e.g. "only the top charge was published"

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "outcome": self.outcome.value,
            "because": list(self.because),
            "rules": [r.to_json() for r in self.rules],
            "charges": [c.to_json() for c in self.charges],
            "unknowns": list(self.unknowns),
            "notes": list(self.notes),
            "policy": self.policy.to_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "selected_by": self.selected_by,
            "engine": self.engine,
        }
