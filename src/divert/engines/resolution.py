"""How a version's rule truths resolve to an outcome and `because`, compiled to SQL.

The semantics are condition.py's (and policy/resolve.py's, the reference): fired = TRUE rules;
winners = fired rules that no fired rule overrides, directly or transitively; an UNKNOWN rule
that no fired rule overrides and whose outcome differs from the winners' (or the default's,
when nothing fired) makes the case `needs_review`. Because the override graph and each rule's
outcome are fixed per version, all of this expands to plain boolean SQL over the truth
columns and one `decided` column: no Python per row.
"""

from __future__ import annotations

from collections.abc import Mapping

from divert.engines.dialect import Dialect
from divert.policy.explain import Outcome
from divert.policy.model import PolicyVersion
from divert.policy.resolve import overridden_by

NEEDS_REVIEW = Outcome.NEEDS_REVIEW.value
SEPARATOR = ";"  # between rule ids in `because`


def _terms(
    version: PolicyVersion, truth: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """SQL for `fired` and `beaten` (some fired rule overrides it) per rule; never NULL."""
    fired = {r.id: f"COALESCE({truth[r.id]}, FALSE)" for r in version.rules}
    over = overridden_by(version.rules)
    beaten = {
        r.id: " OR ".join(fired[o] for o in sorted(over[r.id]) if o in fired) or "FALSE"
        for r in version.rules
    }
    return fired, beaten


def _wins(version: PolicyVersion, truth: Mapping[str, str]) -> dict[str, str]:
    fired, beaten = _terms(version, truth)
    return {rid: f"({fired[rid]} AND NOT ({beaten[rid]}))" for rid in fired}


def _matters(version: PolicyVersion, truth: Mapping[str, str], decided: str,
             dialect: Dialect) -> dict[str, str]:
    """Per rule, SQL true when it is UNKNOWN, no fired rule overrides it, and it would differ."""
    _, beaten = _terms(version, truth)
    return {
        r.id: f"({truth[r.id]} IS NULL AND NOT ({beaten[r.id]}) "
        f"AND {decided} <> {dialect.string(r.outcome.value)})"
        for r in version.rules
    }


def decided_sql(version: PolicyVersion, truth: Mapping[str, str], dialect: Dialect) -> str:
    """The outcome before unknowns are weighed: the first winner's in file order, else default."""
    if not version.rules:
        return dialect.string(version.default.outcome.value)
    wins = _wins(version, truth)
    arms = [f"WHEN {wins[r.id]} THEN {dialect.string(r.outcome.value)}" for r in version.rules]
    return " ".join(["CASE", *arms, f"ELSE {dialect.string(version.default.outcome.value)} END"])


def outcome_sql(version: PolicyVersion, truth: Mapping[str, str], decided: str,
                dialect: Dialect) -> str:
    """The final outcome: `needs_review` when an unknown rule matters, else `decided`."""
    review = " OR ".join(_matters(version, truth, decided, dialect).values())
    if not review:
        return decided
    return f"CASE WHEN {review} THEN {dialect.string(NEEDS_REVIEW)} ELSE {decided} END"


def because_sql(version: PolicyVersion, truth: Mapping[str, str], decided: str,
                dialect: Dialect) -> str:
    """The deciding rule ids, ';'-joined in file order: the unknowns that matter, or winners.

    When the default decides, `because` is empty, as in policy/resolve.py.
    """
    if not version.rules:
        return dialect.string("")
    matters = _matters(version, truth, decided, dialect)
    wins = _wins(version, truth)
    review = " OR ".join(matters.values())

    def ids(flags: Mapping[str, str]) -> str:
        listed = ", ".join(f"CASE WHEN {f} THEN {dialect.string(i)} END" for i, f in flags.items())
        return f"concat_ws({dialect.string(SEPARATOR)}, {listed})"

    return f"CASE WHEN {review} THEN {ids(matters)} ELSE {ids(wins)} END"


def vehicle_sql(version: PolicyVersion, truth: Mapping[str, str], outcome: str,
                dialect: Dialect) -> str:
    """The vehicle of a `divert`: the first winning rule's, in file order (as dispose.vehicle)."""
    wins = _wins(version, truth)
    arms = [f"WHEN {wins[r.id]} THEN {dialect.string(r.vehicle)}"
            for r in version.rules if r.vehicle]
    if not arms:
        return f"CAST(NULL AS {dialect.string_type})"
    divert = dialect.string(Outcome.DIVERT.value)
    return f"CASE WHEN {outcome} = {divert} THEN CASE {' '.join(arms)} END END"
