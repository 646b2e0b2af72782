"""What changed between two versions of a policy: clauses and rules, in sentences.

This is the first half of `divert policy diff` (the second, re-screening past cases, is
analytics' simulation). Rules are matched by id, which is stable forever, so a reworded
sentence shows as a change of `says`, not as a removed and an added rule.
"""

from __future__ import annotations

from divert.policy.model import PolicyVersion, Rule
from divert.policy.render import describe

_RULE_FIELDS = ("clause", "when_text", "outcome", "overrides", "says", "says_not")
_FIELD_WORDS = {"when_text": "when", "says_not": "says_not"}


def _show(rule: Rule, field: str) -> str:
    value = getattr(rule, field)
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if field == "when_text":
        return " ".join(str(value).split())
    return " ".join(str(getattr(value, "value", value)).split())


def diff_versions(old: PolicyVersion, new: PolicyVersion) -> list[str]:
    """The clause and rule changes from `old` to `new`, one sentence per change.

    >>> from datetime import date
    >>> from divert.policy.explain import Outcome
    >>> from divert.policy.language import parse_condition
    >>> from divert.policy.model import Default
    >>> def v(n, clauses, rules):
    ...     return PolicyVersion("p", "t", "j", n, "adopted", date(2026, n, 1), None,
    ...                          "filing_date", clauses, rules, Default(Outcome.PROSECUTE, ""), "")
    >>> c = parse_condition("any charge is firearm")
    >>> old = v(1, {"1": "A."}, ())
    >>> new = v(2, {"1": "A!", "2": "B."}, (Rule("gun", "2", c, "any charge is firearm",
    ...                                            Outcome.PROSECUTE, "Gun."),))
    >>> for line in diff_versions(old, new): print(line)
    clause 1 changed: "A." -> "A!"
    clause 2 added: "B."
    rule gun added (clause 2): when some charge is firearm, prosecute
    """
    lines: list[str] = []
    for number in dict.fromkeys([*old.clauses, *new.clauses]):
        before, after = old.clauses.get(number), new.clauses.get(number)
        if before is None and after is not None:
            lines.append(f'clause {number} added: "{_words(after)}"')
        elif after is None and before is not None:
            lines.append(f'clause {number} removed (it said "{_words(before)}")')
        elif before is not None and after is not None and _words(before) != _words(after):
            lines.append(f'clause {number} changed: "{_words(before)}" -> "{_words(after)}"')
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    for rule_id in dict.fromkeys([*old_rules, *new_rules]):
        before_rule, after_rule = old_rules.get(rule_id), new_rules.get(rule_id)
        if before_rule is None and after_rule is not None:
            lines.append(f"rule {rule_id} added (clause {after_rule.clause}): when "
                         f"{describe(after_rule.when)}, {after_rule.outcome.value}")
        elif after_rule is None and before_rule is not None:
            lines.append(f"rule {rule_id} removed (clause {before_rule.clause})")
        elif before_rule is not None and after_rule is not None:
            for field in _RULE_FIELDS:
                was, now = _show(before_rule, field), _show(after_rule, field)
                if was != now:
                    name = _FIELD_WORDS.get(field, field)
                    lines.append(f'rule {rule_id}: {name} changed: "{was}" -> "{now}"')
    if old.default.outcome != new.default.outcome:
        lines.append(f"default changed: {old.default.outcome.value} -> "
                     f"{new.default.outcome.value}")
    elif _words(old.default.says) != _words(new.default.says):
        lines.append(f'default ({new.default.outcome.value}) now says: '
                     f'"{_words(new.default.says)}"')
    return lines


def _words(text: str) -> str:
    return " ".join(text.split())
