"""What would change a decision: the smallest changes of facts that flip it, by the same rules.

Two questions an ADA or a defender asks of every decision. Which one known fact, or which
one charge withdrawn, would give another outcome ("if the firearm charge were withdrawn:
divert via amp-1")? And for a review, which value of each unknown fact would settle it
("if person.open_diversions were 0: divert via section-18")? Each answer is computed by
re-deciding the case with that one change through the very rules that decided it
(evaluate, resolve, dispose), so it can never disagree with the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from divert.policy.condition import Compare, Condition, facts_of
from divert.policy.dispose import vehicle
from divert.policy.evaluate import Facts, Value, evaluate
from divert.policy.explain import Outcome
from divert.policy.model import PolicyVersion
from divert.policy.resolve import resolve
from divert.policy.search import compares_by_fact, constants, domain, representatives
from divert.policy.whatif import PREFIX

MAX_CHANGES = 8


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the case and the decision it would give."""

    what: str  # "if the charge 18 Pa.C.S. § 6106(a)(1) were withdrawn"
    outcome: Outcome
    vehicle: str | None
    settles_unknown: bool  # the change gives a value to a fact the record does not hold

    def sentence(self) -> str:
        via = f" via {self.vehicle}" if self.vehicle else ""
        return f"{self.what}: {self.outcome.value}{via}"


def decide(version: PolicyVersion, facts: Facts) -> tuple[Outcome, str | None]:
    """Outcome and vehicle of `facts` under `version` (the engine's own resolution)."""
    truths = {rule.id: evaluate(rule.when, facts) for rule in version.rules}
    outcome, because, _ = resolve(version, truths)
    return outcome, vehicle(version, outcome, because)


def what_would_change(version: PolicyVersion, facts: Facts,
                      shown: Sequence[str]) -> tuple[Change, ...]:
    """Single changes that give another outcome or vehicle, unknown facts settled first.

    `shown` names each charge as a sentence would (its citation, or its wording).
    """
    now = decide(version, facts)
    conditions: list[Condition] = [rule.when for rule in version.rules]
    mentioned = constants(conditions)
    compares = compares_by_fact(conditions)
    read = {p for c in conditions for p in facts_of(c) if not p.startswith(PREFIX)}
    found: dict[str, Change] = {}

    def consider(what: str, changed: Facts, unknown: bool) -> None:
        outcome, via = decide(version, changed)
        if (outcome, via) != now and what not in found:
            found[what] = Change(what, outcome, via, unknown)

    for path in sorted(p for p in read if not p.startswith("charge.") and p in facts.scalars
                       and p != "case.charge_count"):
        current = facts.scalars.get(path)
        for value in _values(path, mentioned, compares):
            if value is not None and value != current:
                scalars = {**facts.scalars, path: value}
                consider(f"if {path} were {_word(value)}", Facts(scalars, facts.charges),
                         current is None)
    for index, charge in enumerate(facts.charges):
        name = shown[index] if index < len(shown) else f"charge {index + 1}"
        for path in sorted(p for p in read if p.startswith("charge.") and charge.get(p) is None):
            for value in _values(path, mentioned, compares):
                if value is not None:
                    changed = (*facts.charges[:index], {**charge, path: value},
                               *facts.charges[index + 1:])
                    consider(f"if {name}'s {path.removeprefix('charge.')} were {_word(value)}",
                             Facts(facts.scalars, changed), True)
        if len(facts.charges) > 1:
            rest = (*facts.charges[:index], *facts.charges[index + 1:])
            count = facts.scalars.get("case.charge_count")
            scalars = {**facts.scalars,
                       "case.charge_count": None if count is None else len(rest)}
            consider(f"if the charge {name} were withdrawn", Facts(scalars, rest), False)
    ordered = sorted(found.values(), key=lambda c: (not c.settles_unknown, c.what))
    return tuple(ordered[:MAX_CHANGES])


def _values(path: str, mentioned: dict[str, list[Value]],
            compares: dict[str, list[Compare]]) -> list[Value]:
    # Numbers nearest a threshold stand for their class ("if case.age were 17", not 0).
    values = sorted(domain(path, mentioned.get(path, [])),
                    key=lambda v: (v is None, v == 0 and isinstance(v, int)))
    return representatives(values, compares.get(path, []))


def _word(value: Value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
