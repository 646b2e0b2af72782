"""A decision as sentences an ADA reads: outcome first, then the clauses that decided it.

Order: the rules that decided the case (outcome, "clause 2.3 — …"); how each charge was read
and how surely; the other rules and their truth; then notes and the facts that were unknown.
Pure text from a Decision, so the CLI and tests read the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from divert.policy.explain import ChargeFinding, Decision, Disposition, RuleResult, Truth
from divert.policy.vehicles import Vehicle

_OUTCOME_WORDS = {
    "divert": "divert",
    "prosecute": "prosecute",
    "decline": "decline to charge",
    "needs_review": "needs review by an ADA",
    "out_of_scope": "out of scope (not this office's decision)",
}


def decision_lines(
    decision: Decision, default_says: str | None = None, filed: date | None = None,
    changes: Sequence[str] = (), charge_reasons: Sequence[str | None] = (),
    vehicle: Vehicle | None = None,
) -> list[str]:
    """The decision as lines of plain text, outcome and deciding clauses first.

    Args:
        decision: what the engine decided and why.
        default_says: the policy default's sentence, shown when no rule decided the case.
        filed: the case's own date, said when the case was screened as if on another date.
        changes: what would change the decision (policy/counterfactual.py), as sentences.
        charge_reasons: per charge, the charge rule's sentence that settled it, if any.
        vehicle: the decision's vehicle as vehicles.yaml describes it.
    """
    policy = decision.policy
    when = decision.as_of.isoformat() if decision.as_of else "an unknown date"
    via = f" via {decision.vehicle}" if decision.vehicle else ""
    lines = [
        f"Case {decision.case_id}: "
        f"{_OUTCOME_WORDS.get(decision.outcome.value, decision.outcome)}{via}.",
        f"  Policy {policy.id} v{policy.version} (sha256 {policy.sha256[:12]}), the version in "
        f"force on {when} (chosen by {decision.selected_by}).",
    ]
    if filed is not None and decision.as_of is not None and filed != decision.as_of:
        lines.append(
            f"  The case was filed on {filed.isoformat()}; it was screened as if filed on "
            f"{decision.as_of.isoformat()} (a what-if)."
        )
    if decision.assumptions:
        lines.append(f"  A what-if, not a live decision: it assumes "
                     f"{', '.join(decision.assumptions)}.")
    lines += ["", "Why:"]
    deciding = [r for r in decision.rules if r.rule in decision.because]
    lines += [f"  {_deciding(r, decision)}" for r in deciding]
    if not deciding:
        lines.append(f"  {_undecided(decision, default_says)}")
    if vehicle is not None:
        lines += ["", f"Through {vehicle.name} ({vehicle.authority}; {vehicle.verified}):",
                  f"  Who decides: {vehicle.who_decides}.",
                  f"  What the person does: {' '.join(vehicle.conditions.split())}",
                  f"  Source: {vehicle.source}."]
        lines += [f"  Bar checked, {b.id}: {b.says}" for b in vehicle.bars]
    lines += ["", "How each charge was read:"]
    reasons = [*charge_reasons, *([None] * len(decision.charges))]
    disposed = [*decision.dispositions, *([None] * len(decision.charges))]
    lines += [f"  {_charge(c, disposed[i], reasons[i])}"
              for i, c in enumerate(decision.charges)] or ["  The case lists no charge."]
    if changes:
        lines += ["", "What would change this decision:"] + [f"  - {c}" for c in changes]
    others = [r for r in decision.rules if r.rule not in decision.because]
    if others:
        lines += ["", "The other rules:"]
        review = any(r.truth is Truth.UNKNOWN for r in deciding)
        lines += [f"  {_other(r, review)}" for r in others]
    if decision.notes:
        lines += ["", "Notes:"] + [f"  - {note}" for note in decision.notes]
    if decision.unknowns:
        lines += ["", "Facts the data does not give (unknown, never guessed):"]
        lines += [f"  - {fact}" for fact in decision.unknowns]
    return lines


def _deciding(result: RuleResult, decision: Decision) -> str:
    if result.truth is Truth.UNKNOWN:
        # resolve.py names the undecidable rules in `because` when they force review
        return (
            f"{decision.outcome.value}: clause {result.clause} could not be decided — "
            f"{result.says} (rule {result.rule})"
        )
    outcome = result.outcome.value if result.outcome else decision.outcome.value
    return f"{outcome}: clause {result.clause} — {result.says} (rule {result.rule})"


def _undecided(decision: Decision, default_says: str | None) -> str:
    if any(r.truth is Truth.UNKNOWN for r in decision.rules) and decision.unknowns:
        return (
            f"{decision.outcome.value}: no rule could be applied with certainty, because "
            f"{', '.join(decision.unknowns)} "
            f"{'is' if len(decision.unknowns) == 1 else 'are'} unknown."
        )
    said = f" — {default_says}" if default_says else ""
    return f"{decision.outcome.value}: no rule applies; the policy's default decides{said}"


def _charge(charge: ChargeFinding, disposition: Disposition | None = None,
            reason: str | None = None) -> str:
    number = f"{charge.index + 1}. '{charge.as_written}'"
    then = f" It is {disposition.value.replace('_', ' ')}" if disposition else ""
    then += f": {reason}" if reason and then else ("." if then else "")
    if charge.category is None:
        nearest = f" Nearest: {', '.join(charge.candidates)}." if charge.candidates else ""
        return f"{number} could not be read: {charge.reason}.{nearest}{then}"
    return (
        f"{number} was read as {charge.as_read}, {charge.category.replace('_', ' ')} "
        f"(matched by {charge.match}, confidence {charge.confidence:.2f}).{then}"
    )


def _other(result: RuleResult, review: bool) -> str:
    if result.truth is Truth.TRUE and review:
        state = "holds, but the case goes to review because a clause above could not be decided"
    elif result.truth is Truth.TRUE:
        state = "holds, but another rule takes precedence"
    elif result.truth is Truth.FALSE:
        state = "does not apply"
    else:
        state = "cannot tell"
    return f"clause {result.clause} ({result.rule}) {state}: {result.says}"
