"""What happens to each charge, and through which vehicle a case is diverted.

Both follow from a decision already made, by rules every engine mirrors: a charge that a
charge rule settles (the 2018 memo declines marijuana counts) takes that disposition; any
other charge follows its case (divert: diverted with it; prosecute: charged). A charge rule
that cannot be decided sends its charge to review rather than guess. An out-of-scope case
decides nothing about its charges.
"""

from __future__ import annotations

from collections.abc import Sequence

from divert.policy.condition import Quantified, Quantifier
from divert.policy.evaluate import Facts, evaluate
from divert.policy.explain import FOLLOWS_OUTCOME, Disposition, Outcome, Truth
from divert.policy.model import ChargeRule, PolicyVersion
from divert.policy.render import render


def disposition(outcome: Outcome, truths: Sequence[Truth],
                rules: Sequence[ChargeRule]) -> Disposition:
    """One charge's disposition from its case's outcome and its charge rules' truths.

    >>> disposition(Outcome.PROSECUTE, [], [])
    <Disposition.CHARGED: 'charged'>
    >>> disposition(Outcome.DECLINE, [], [])
    <Disposition.DECLINED: 'declined'>
    """
    if outcome is Outcome.OUT_OF_SCOPE:
        return Disposition.OUT_OF_SCOPE
    for truth, rule in zip(truths, rules, strict=True):
        if truth is Truth.TRUE:
            return rule.disposition
    if outcome is Outcome.DECLINE:
        return Disposition.DECLINED
    if Truth.UNKNOWN in truths:
        return Disposition.REVIEW
    return FOLLOWS_OUTCOME[outcome]


def dispositions(version: PolicyVersion, outcome: Outcome,
                 facts: Facts) -> tuple[Disposition, ...]:
    """Every charge's disposition, in charge order (charge rules read one charge each)."""
    out = []
    for charge in facts.charges:
        one = Facts(facts.scalars, (charge,))
        truths = [evaluate(Quantified(Quantifier.ANY, r.when), one) for r in version.charge_rules]
        out.append(disposition(outcome, truths, version.charge_rules))
    return tuple(out)


def vehicle(version: PolicyVersion, outcome: Outcome, because: Sequence[str]) -> str | None:
    """The vehicle of a `divert`: the first deciding rule's (`policy check` makes them agree)."""
    if outcome is not Outcome.DIVERT:
        return None
    named = {r.id: r.vehicle for r in version.rules}
    return next((named[rid] for rid in because if named.get(rid)), None)


def charge_reasons(version: PolicyVersion, facts: Facts,
                   shown: Sequence[str]) -> list[str | None]:
    """Per charge, the sentence of the charge rule that settled it (None: it follows the case)."""
    out: list[str | None] = []
    for index, charge in enumerate(facts.charges):
        one = Facts(facts.scalars, (charge,))
        rule = next((r for r in version.charge_rules
                     if evaluate(Quantified(Quantifier.ANY, r.when), one) is Truth.TRUE), None)
        out.append(None if rule is None else
                   f"clause {rule.clause} — {render(rule.says, [shown[index]], facts.scalars)}")
    return out
