"""How a version's rule truths resolve to an outcome and `because`, compiled to SQL.

The semantics are condition.py's (and policy/resolve.py's, the reference): fired = TRUE rules;
winners = fired rules that no fired rule overrides, directly or transitively; an UNKNOWN rule
that no fired rule overrides and whose outcome differs from the winners' (or the default's,
when nothing fired) makes the case `needs_review`. Because the override graph and each rule's
outcome are fixed per version, all of this expands to plain boolean SQL over the truth
columns: no string comparison per row, no Python per row.
"""

from __future__ import annotations

from collections.abc import Mapping

from divert.engines.dialect import Dialect
from divert.policy.explain import Outcome
from divert.policy.model import PolicyVersion, Rule

NEEDS_REVIEW = Outcome.NEEDS_REVIEW.value


def overriders(version: PolicyVersion) -> dict[str, frozenset[str]]:
    """For each rule id, every rule id that overrides it, directly or through a chain.

    >>> from divert.policy.model import Rule, Default, PolicyVersion
    >>> from divert.policy.condition import Compare, Op
    >>> from datetime import date
    >>> c = Compare("case.charge_count", Op.GE, 1)
    >>> rs = (Rule("a", "1", c, "", Outcome.DIVERT, ""),
    ...       Rule("b", "2", c, "", Outcome.PROSECUTE, "", overrides=("a",)),
    ...       Rule("c", "3", c, "", Outcome.DIVERT, "", overrides=("b",)))
    >>> v = PolicyVersion("p", "t", "j", 1, "adopted", date(2026, 1, 1), None, "filing_date",
    ...                   {}, rs, Default(Outcome.PROSECUTE, ""), "0")
    >>> sorted(overriders(v)["a"])
    ['b', 'c']
    """
    direct: dict[str, set[str]] = {r.id: set() for r in version.rules}
    for rule in version.rules:
        for target in rule.overrides:
            direct.setdefault(target, set()).add(rule.id)
    closed: dict[str, frozenset[str]] = {}
    for rid in direct:
        seen: set[str] = set()
        todo = list(direct[rid])
        while todo:  # a cycle (refused by `policy check`) cannot loop forever here
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(direct.get(nxt, ()))
        closed[rid] = frozenset(seen - {rid})
    return closed


def _terms(
    version: PolicyVersion, truth: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """SQL for `fired` and `win` of every rule; both are never NULL."""
    fired = {r.id: f"COALESCE({truth[r.id]}, FALSE)" for r in version.rules}
    over = overriders(version)
    win: dict[str, str] = {}
    for rule in version.rules:
        beaten = [fired[o] for o in sorted(over[rule.id]) if o in fired]
        win[rule.id] = fired[rule.id] + "".join(f" AND NOT {b}" for b in beaten)
    return fired, win


def _gives(version: PolicyVersion, win: Mapping[str, str], outcome: Outcome) -> str:
    """SQL true when the winners' outcome (or, with no winner, the default's) is `outcome`."""
    same = [f"({win[r.id]})" for r in version.rules if r.outcome == outcome]
    if version.default.outcome == outcome:
        any_win = " OR ".join(f"({w})" for w in win.values()) or "FALSE"
        same.append(f"NOT ({any_win})")
    return "(" + (" OR ".join(same) or "FALSE") + ")"


def _matters(version: PolicyVersion, rule: Rule, truth: Mapping[str, str],
             fired: Mapping[str, str], win: Mapping[str, str]) -> str:
    """SQL true when this rule is UNKNOWN, not overridden by a fired rule, and would differ."""
    beaten = [fired[o] for o in sorted(overriders(version)[rule.id]) if o in fired]
    parts = [f"{truth[rule.id]} IS NULL", *(f"NOT {b}" for b in beaten),
             f"NOT {_gives(version, win, rule.outcome)}"]
    return "(" + " AND ".join(parts) + ")"


def outcome_sql(version: PolicyVersion, truth: Mapping[str, str], dialect: Dialect) -> str:
    """A CASE giving the outcome of one version from its rules' truth columns."""
    fired, win = _terms(version, truth)
    review = " OR ".join(_matters(version, r, truth, fired, win) for r in version.rules)
    arms = [f"WHEN {review} THEN {dialect.string(NEEDS_REVIEW)}"] if review else []
    arms += [f"WHEN {win[r.id]} THEN {dialect.string(r.outcome.value)}" for r in version.rules]
    arms.append(f"ELSE {dialect.string(version.default.outcome.value)}")
    return "CASE " + " ".join(arms) + " END"


def because_sql(version: PolicyVersion, truth: Mapping[str, str], dialect: Dialect) -> str:
    """The deciding rule ids, ';'-joined in file order: winners, or the unknowns that matter."""
    if not version.rules:
        return dialect.string("")
    fired, win = _terms(version, truth)
    matters = {r.id: _matters(version, r, truth, fired, win) for r in version.rules}
    review = " OR ".join(matters.values())
    unknown_ids = ", ".join(f"CASE WHEN {m} THEN {dialect.string(rid)} END"
                            for rid, m in matters.items())
    winner_ids = ", ".join(f"CASE WHEN {w} THEN {dialect.string(rid)} END"
                           for rid, w in win.items())
    return (f"CASE WHEN {review} THEN concat_ws(';', {unknown_ids}) "
            f"ELSE concat_ws(';', {winner_ids}) END")
