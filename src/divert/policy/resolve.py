"""From every rule's truth to one outcome: the single resolution all engines use or mirror.

The semantics (condition.py's docstring) in words: the rules that are TRUE *fire*; the
*winners* are the fired rules that no other fired rule overrides, directly or through a
chain of `overrides`. A rule that is UNKNOWN matters when no fired rule overrides it and it
would give an outcome other than the one decided without it; then the case goes to
`needs_review` and those rules are reported. Otherwise the winners decide (`policy check`
refuses winners that could disagree), and when nothing fires the default decides.

When unknown rules force review, `because` names them (a reviewer needs to know which
clause could not be decided); when the default decides, `because` is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from divert.policy.explain import Outcome, Truth
from divert.policy.model import PolicyVersion, Rule


def overridden_by(rules: Iterable[Rule]) -> dict[str, set[str]]:
    """For each rule id, every rule id that overrides it, directly or transitively.

    >>> from divert.policy.language import parse_condition
    >>> from divert.policy.explain import Outcome
    >>> c = parse_condition("case.pad_referred is true")
    >>> a = Rule("a", "1", c, "", Outcome.DIVERT, "", overrides=("b",))
    >>> b = Rule("b", "1", c, "", Outcome.DIVERT, "", overrides=("c",))
    >>> sorted(overridden_by([a, b, Rule("c", "1", c, "", Outcome.DIVERT, "")])["c"])
    ['a', 'b']
    """
    rules = list(rules)
    direct: dict[str, set[str]] = {rule.id: set() for rule in rules}
    for rule in rules:
        for target in rule.overrides:
            direct.setdefault(target, set()).add(rule.id)
    closure: dict[str, set[str]] = {}
    for rule_id in direct:
        seen: set[str] = set()
        stack = list(direct[rule_id])
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(direct.get(current, ()))
        closure[rule_id] = seen - {rule_id}  # a cycle (refused by `policy check`)
    return closure


_CLOSURES: dict[int, tuple[tuple[Rule, ...], dict[str, set[str]]]] = {}


def _overridden_by_cached(rules: tuple[Rule, ...]) -> dict[str, set[str]]:
    """overridden_by, computed once per rules tuple (resolve runs once per case)."""
    hit = _CLOSURES.get(id(rules))
    if hit is None or hit[0] is not rules:
        hit = (rules, overridden_by(rules))
        _CLOSURES[id(rules)] = hit
    return hit[1]


def resolve(
    version: PolicyVersion, truths: Mapping[str, Truth]
) -> tuple[Outcome, tuple[str, ...], tuple[str, ...]]:
    """Decide: (outcome, ids of the deciding rules, ids of the unknown rules that mattered).

    `truths` maps every rule id of `version` to its Truth; a missing id counts as UNKNOWN.
    Ids are returned in the policy file's rule order.
    """
    above = _overridden_by_cached(version.rules)
    fired = {r.id for r in version.rules if truths.get(r.id, Truth.UNKNOWN) is Truth.TRUE}
    winners = [r for r in version.rules if r.id in fired and not (above[r.id] & fired)]
    decided = winners[0].outcome if winners else version.default.outcome
    unknown = [
        r
        for r in version.rules
        if truths.get(r.id, Truth.UNKNOWN) is Truth.UNKNOWN
        and not (above[r.id] & fired)
        and r.outcome != decided
    ]
    if unknown:
        ids = tuple(r.id for r in unknown)
        return Outcome.NEEDS_REVIEW, ids, ids
    return decided, tuple(r.id for r in winners), ()
