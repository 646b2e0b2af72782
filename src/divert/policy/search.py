"""The bounded model search `policy check` uses to find conflicts and rules that never fire.

A *model* is a small imaginary case. The search builds every case from:

* each case or person fact a version's rules read: every value the rules mention, plus one
  value they do not mention ("other"), plus unknown; for numbers, each threshold `n` the
  rules mention gives `n - 1`, `n` and `n + 1` (never below 0), and 0 is always tried;
* each charge fact the rules read, the same way; a charge is one combination of those;
* charge lists of length 0, 1 and 2 (order does not matter to `any`/`every`/`no`, so
  lists are multisets); `case.charge_count` follows the list (or is unknown).

Conditions compare facts only with constants, so within this bound every distinct way a
condition can come out is reached, except conditions that need three or more charges at
once (e.g. three different categories). The search stops at MAX_MODELS and says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations_with_replacement, product

from divert.policy.condition import Compare, Condition, facts_of
from divert.policy.evaluate import Facts, Value, compare
from divert.policy.explain import Truth
from divert.policy.facts import FACTS, Kind
from divert.policy.model import PolicyVersion

MAX_CHARGES = 2
MAX_MODELS = 250_000


@dataclass(frozen=True, slots=True)
class Space:
    """The values to try per fact, and how many models that makes."""

    scalars: dict[str, list[Value]]
    charge_variants: list[dict[str, Value]]

    @property
    def size(self) -> int:
        lists = sum(
            len(list(combinations_with_replacement(range(len(self.charge_variants)), n)))
            for n in range(MAX_CHARGES + 1)
        )
        total = lists
        for values in self.scalars.values():
            total *= len(values)
        return total


def domain(path: str, mentioned: list[Value]) -> list[Value]:
    """The values to try for one fact.

    >>> domain("person.pad_contacts", [2])
    [0, 1, 2, 3, None]
    >>> domain("case.charge_scope", ["top_charge_only"])
    ['top_charge_only', 'complete', None]
    >>> domain("case.pad_referred", [True])
    [True, False, None]
    """
    spec = FACTS[path]
    if spec.kind is Kind.BOOL:
        return [True, False, None]
    if spec.kind is Kind.INT:
        numbers = {0}
        for value in mentioned:
            if isinstance(value, int):
                numbers.update(n for n in (value - 1, value, value + 1) if n >= 0)
        return [*sorted(numbers), None]
    others = [v for v in spec.values if v not in mentioned]
    return [*mentioned, *others[:1], None]


def compares_by_fact(conditions: list[Condition]) -> dict[str, list[Compare]]:
    found: dict[str, list[Compare]] = {}

    def walk(node: object) -> None:
        if isinstance(node, Compare):
            found.setdefault(node.fact, []).append(node)
            return
        for child in (*getattr(node, "parts", ()), getattr(node, "part", None),
                      getattr(node, "body", None)):
            if child is not None:
                walk(child)

    for condition in conditions:
        walk(condition)
    return found


def constants(conditions: list[Condition]) -> dict[str, list[Value]]:
    """Every value the conditions compare each fact with, in order of first appearance."""
    found: dict[str, list[Value]] = {}
    for fact, compares in compares_by_fact(conditions).items():
        bucket = found.setdefault(fact, [])
        for node in compares:
            values = node.value if isinstance(node.value, tuple) else (node.value,)
            bucket.extend(v for v in values if v not in bucket)
    return found


def representatives(values: list[Value], compares: list[Compare]) -> list[Value]:
    """One value for each way the comparisons on a fact can come out (unknown kept).

    Two values that every comparison treats alike are the same to every rule, so trying one
    of them is enough: this keeps the search small without losing a single outcome.

    >>> from divert.policy.condition import Op
    >>> representatives([0, 1, 2, 3, None], [Compare("person.pad_contacts", Op.GE, 2)])
    [0, 2, None]
    """
    seen: set[tuple[bool, ...]] = set()
    out: list[Value] = []
    for value in values:
        if value is None:
            out.append(value)
            continue
        signature = tuple(compare(value, c.op, c.value) is Truth.TRUE for c in compares)
        if signature not in seen:
            seen.add(signature)
            out.append(value)
    return out


def space(version: PolicyVersion, conditions: list[Condition] | None = None) -> Space:
    """The facts and values the search tries for `conditions` (default: all the version's)."""
    conditions = [rule.when for rule in version.rules] if conditions is None else conditions
    mentioned = constants(conditions)
    compares = compares_by_fact(conditions)
    paths: dict[str, None] = {}
    for condition in conditions:
        paths.update((p, None) for p in facts_of(condition))
    def values(p: str) -> list[Value]:
        return representatives(domain(p, mentioned.get(p, [])), compares.get(p, []))

    scalars = {
        p: values(p)
        for p in paths
        if not FACTS[p].is_charge_fact and p != "case.charge_count"
    }
    charge_paths = [p for p in paths if FACTS[p].is_charge_fact]
    variants = [
        dict(zip(charge_paths, combo, strict=True))
        for combo in product(*(values(p) for p in charge_paths))
    ]
    return Space(scalars, variants)


def models(version: PolicyVersion, conditions: list[Condition] | None = None) -> Iterator[Facts]:
    """Every model of the bound, at most MAX_MODELS of them (check `space().size` first)."""
    conditions = [rule.when for rule in version.rules] if conditions is None else conditions
    found = space(version, conditions)
    uses_count = any("case.charge_count" in facts_of(c) for c in conditions)
    names = list(found.scalars)
    produced = 0
    for count in range(MAX_CHARGES + 1):
        for combo in combinations_with_replacement(found.charge_variants, count):
            for counted in ([count, None] if uses_count else [None]):
                for values in product(*found.scalars.values()):
                    scalars = dict(zip(names, values, strict=True))
                    scalars["case.charge_count"] = counted
                    yield Facts(scalars, tuple(combo))
                    produced += 1
                    if produced >= MAX_MODELS:
                        return


def in_words(model: Facts, paths: tuple[str, ...] | None = None) -> str:
    """A model as the phrase a conflict message shows (only `paths`' case facts, if given).

    >>> in_words(Facts({"person.pad_contacts": 2, "case.stage": None},
    ...                ({"charge.category": "dui"},)))
    'charges [category dui], person.pad_contacts 2, case.stage unknown'
    """
    charges = ", ".join(
        " ".join(f"{k.removeprefix('charge.')} {_word(v)}" for k, v in charge.items()) or "a charge"
        for charge in model.charges
    )
    parts = [f"charges [{charges}]" if model.charges else "no charges"]
    parts += [f"{k} {_word(v)}" for k, v in model.scalars.items()
              if not (k == "case.charge_count" and v is None) and (paths is None or k in paths)]
    return ", ".join(parts)


def _word(value: Value) -> str:
    return "unknown" if value is None else str(value).lower()
