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
    OUT_OF_SCOPE = "out_of_scope"  # not this office's decision (a juvenile, another court)
    # A bail policy (kind: bail): the release the office asks for at the preliminary arraignment.
    ROR = "ror"  # release on own recognizance
    UNSECURED = "unsecured"  # sign-on-bond: an amount owed only on a failure to appear
    NONMONETARY = "nonmonetary"  # release on special (non-monetary) conditions
    CASH = "cash"  # cash bail may be asked, for the reason the deciding rule says
    INDIVIDUAL_REVIEW = "individual_review"  # no presumption: the request is decided case by case
    # A supervision policy (kind: supervision): the longest probation the office asks for.
    PROBATION_1Y_MAX = "probation_1y_max"
    PROBATION_3Y_MAX = "probation_3y_max"
    MANDATORY_TERM = "mandatory_term"  # the law requires a longer term than the memo's cap


# Which outcomes a policy of each kind may name (`kind:` in the policy file, default charging).
KIND_OUTCOMES: dict[str, tuple[Outcome, ...]] = {
    "charging": (Outcome.DIVERT, Outcome.PROSECUTE, Outcome.DECLINE, Outcome.NEEDS_REVIEW,
                 Outcome.OUT_OF_SCOPE),
    "bail": (Outcome.ROR, Outcome.UNSECURED, Outcome.NONMONETARY, Outcome.CASH,
             Outcome.INDIVIDUAL_REVIEW, Outcome.NEEDS_REVIEW, Outcome.OUT_OF_SCOPE),
    "supervision": (Outcome.PROBATION_1Y_MAX, Outcome.PROBATION_3Y_MAX, Outcome.MANDATORY_TERM,
                    Outcome.NEEDS_REVIEW, Outcome.OUT_OF_SCOPE),
}


class Disposition(StrEnum):
    """What happens to one charge: a memo may decline some counts and leave the rest charged."""

    DECLINED = "declined"
    DIVERTED = "diverted"  # with the case, through the case's vehicle
    CHARGED = "charged"
    REVIEW = "review"  # not known until the case is reviewed
    OUT_OF_SCOPE = "out_of_scope"


# A charge that no charge rule settles follows its case's outcome.
FOLLOWS_OUTCOME: dict[Outcome, Disposition] = {
    Outcome.DIVERT: Disposition.DIVERTED,
    Outcome.PROSECUTE: Disposition.CHARGED,
    Outcome.DECLINE: Disposition.DECLINED,
    Outcome.NEEDS_REVIEW: Disposition.REVIEW,
    Outcome.OUT_OF_SCOPE: Disposition.OUT_OF_SCOPE,
    # Bail and supervision decide no charge's fate: every charge stays charged.
    **{o: Disposition.CHARGED for kind in ("bail", "supervision") for o in KIND_OUTCOMES[kind]
       if o not in (Outcome.NEEDS_REVIEW, Outcome.OUT_OF_SCOPE)},
}


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


INCHOATE_SECTIONS = {"attempt": "901", "solicitation": "902", "conspiracy": "903"}


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
    inchoate: str | None = None  # attempt, conspiracy or solicitation of the cited offense

    @property
    def as_read(self) -> str:
        """The charge as a sentence names it; an inchoate form is never dropped.

        >>> ChargeFinding(0, "Conspiracy - Int Poss", "35 P.S. § 780-113(a)(16)",
        ...               "simple_possession", "alias", 1.0, "1", inchoate="conspiracy").as_read
        '18 Pa.C.S. § 903 conspiracy to commit 35 P.S. § 780-113(a)(16)'
        """
        if self.citation is None:
            return self.as_written
        if self.inchoate is None:
            return self.citation
        section = INCHOATE_SECTIONS.get(self.inchoate, "")
        return f"18 Pa.C.S. § {section} {self.inchoate} to commit {self.citation}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "as_written": self.as_written,
            "citation": self.citation,
            "inchoate": self.inchoate,
            "as_read": self.as_read,
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
    vehicle: str | None = None  # the legal vehicle of a `divert` (policies/…/vehicles.yaml)
    dispositions: tuple[Disposition, ...] = ()  # one per charge, in charge order
    assumptions: tuple[str, ...] = ()  # what-if assumptions switched on; never in a live decision

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "outcome": self.outcome.value,
            "because": list(self.because),
            "rules": [r.to_json() for r in self.rules],
            "vehicle": self.vehicle,
            "charges": [
                {**c.to_json(), "disposition": d.value if d else None}
                for c, d in zip(self.charges, self._padded_dispositions(), strict=True)
            ],
            "assumptions": list(self.assumptions),
            "unknowns": list(self.unknowns),
            "notes": list(self.notes),
            "policy": self.policy.to_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "selected_by": self.selected_by,
            "engine": self.engine,
        }

    def _padded_dispositions(self) -> tuple[Disposition | None, ...]:
        extra = len(self.charges) - len(self.dispositions)
        return (*self.dispositions, *([None] * extra))
