"""A version file's rules, default and terms → model values, each mistake at its line.

The half of loading (load.py) that reads what a version decides: every rule with its
condition parsed (never evaluated), its outcome, vehicle, bars and approvals; the default;
rules expanded over a charge list; a supervision policy's terms.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from divert.errors import PolicyError
from divert.policy import charge_list as lists
from divert.policy import load_legal as legal
from divert.policy.explain import KIND_OUTCOMES, Outcome
from divert.policy.language import parse_condition
from divert.policy.model import Default, Rule, Term
from divert.policy.reader import Reader
from divert.policy.yamlpos import LocDict, LocList

RULE_KEYS = {
    "id": True, "clause": True, "when": True, "outcome": True, "says": True,
    "says_not": False, "overrides": False, "vehicle": False, "bars": False, "approval": False,
    "override_approval": False, "allows": False,
}  # fmt: skip
OUTCOMES = tuple(o.value for o in KIND_OUTCOMES["charging"])  # a policy of no stated kind
_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def rule(reader: Reader, data: Any, at: tuple[int, int],
          outcomes: tuple[str, ...] = OUTCOMES) -> Rule | None:
    if not isinstance(data, LocDict):
        reader.error("each rule must be a mapping with id, clause, when, outcome and says", at)
        return None
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    reader.keys(data, {**RULE_KEYS, "clause": False}, "the rule", rule_id)  # check.py: clause
    if rule_id is not None and not _RULE_ID.match(rule_id):
        reader.error(f"the rule id '{rule_id}' must be kebab-case (lower case words joined by -)",
                     data.where("id"), rule=rule_id)
    clause = data.get("clause")
    clause_text = "" if clause is None else reader.text(data, "clause", "the clause", rule_id)
    outcome = reader.choice(data, "outcome", outcomes, "the outcome", rule_id)
    says = reader.text(data, "says", "'says'", rule_id) if "says" in data else ""
    says_not = data.get("says_not")
    overrides = data.get("overrides", [])
    if isinstance(overrides, str):
        overrides = [overrides]
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        reader.error("'overrides' must be a list of rule ids", data.where("overrides"),
                     rule=rule_id)
        overrides = []
    when_text = data.get("when")
    condition = None
    if isinstance(when_text, str):
        try:
            condition = parse_condition(when_text)
        except PolicyError as exc:
            line, column = data.where("when")
            reader.error(exc.message, (line, column + max((exc.column or 1) - 1, 0)),
                         rule=rule_id, hint=exc.hint)
    elif "when" in data:
        reader.error("'when' must be a condition written as text", data.where("when"), rule=rule_id)
    vehicle = reader.text(data, "vehicle", "'vehicle'", rule_id) if "vehicle" in data else None
    bars = data.get("bars", [])
    if not isinstance(bars, list) or not all(isinstance(b, str) for b in bars):
        reader.error("'bars' must be a list of vehicle bars, each 'vehicle/bar'",
                     data.where("bars"), rule=rule_id)
        bars = []
    needs = legal.approval(reader, data, "approval", rule_id)
    departing = legal.approval(reader, data, "override_approval", rule_id)
    allows = data.get("allows", [])
    if not isinstance(allows, list) or not all(a in outcomes for a in allows):
        reader.error("'allows' must be a list of outcomes (requests that are no departure)",
                     data.where("allows"), rule=rule_id)
        allows = []
    if rule_id is None or condition is None or outcome is None or not isinstance(when_text, str):
        return None
    return Rule(rule_id, clause_text, condition, when_text.strip(), Outcome(outcome), says,
                says_not if isinstance(says_not, str) else None, tuple(overrides),
                data.position[0], vehicle, tuple(bars), needs, departing,
                tuple(Outcome(a) for a in allows))


def default(reader: Reader, data: LocDict,
             outcomes: tuple[str, ...] = OUTCOMES) -> Default | None:
    default = data.get("default")
    if not isinstance(default, LocDict):
        if "default" in data:
            reader.error("'default' must be {outcome, says}", data.where("default"))
        return None
    reader.keys(default, {"outcome": True, "says": True}, "the default")
    outcome = reader.choice(default, "outcome", outcomes, "the default outcome")
    says = reader.text(default, "says", "the default's 'says'")
    return Default(Outcome(outcome), says) if outcome else None


def rules(reader: Reader, data: LocDict,
           outcomes: tuple[str, ...] = OUTCOMES) -> tuple[Rule, ...]:
    rules = data.get("rules")
    if not isinstance(rules, LocList):
        if "rules" in data:
            reader.error("'rules' must be a list of rules", data.where("rules"))
        return ()
    parsed = (rule(reader, item, rules.where(i), outcomes) for i, item in enumerate(rules))
    return tuple(rule for rule in parsed if rule is not None)


def expanded(reader: Reader, data: LocDict, rules: tuple[Rule, ...],
              charges: lists.ChargeList | None) -> tuple[Rule, ...]:
    """Rules with `listed` / `maybe_listed` replaced by the list's items (charge_list.py)."""
    out = []
    for rule in rules:
        if not lists.mentions_list(rule.when):
            out.append(rule)
            continue
        if charges is None:
            reader.error("the rule reads 'listed' or 'maybe_listed', but the policy names no "
                         "'charge_list'", (rule.line, 1), rule=rule.id)
            continue
        try:
            out.append(replace(rule, when=lists.expand(rule.when, charges)))
        except PolicyError as exc:
            reader.error(exc.message, (rule.line, 1), rule=rule.id)
    return tuple(out)



def terms(reader: Reader, data: LocDict, outcomes: tuple[str, ...]) -> dict[str, Term]:
    """`terms: {outcome: {cap_months, average_months, clause}}` of a supervision policy."""
    found = data.get("terms")
    if found is None:
        return {}
    if not isinstance(found, LocDict):
        reader.error("'terms' must map outcomes to {cap_months, average_months, clause}",
                     data.where("terms"))
        return {}
    out = {}
    for name, value in found.items():
        if name not in outcomes or not isinstance(value, LocDict):
            reader.error(f"'terms' names '{name}', which is not an outcome of this policy "
                         "mapped to {cap_months, average_months, clause}", found.key_at(name))
            continue
        reader.keys(value, {"cap_months": True, "average_months": True, "clause": True},
                    f"the term of {name}")
        cap, average = value.get("cap_months"), value.get("average_months")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                   for v in (cap, average)):
            reader.error("cap_months and average_months must be whole months, 0 or more",
                         value.position)
            continue
        assert isinstance(cap, int) and isinstance(average, int)
        out[name] = Term(cap, average, str(value.get("clause", "")))
    return out
