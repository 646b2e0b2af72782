"""What-if assumptions: facts a simulation may assume, never a live decision.

An assumption is an `assume.` fact of the vocabulary (policy/facts.py). It is false in every
live decision; a simulation switches it on by name, and then it is true, and an assumption
that `fills` facts reads those facts as 0 where the data does not hold them. The decision
records which assumptions were on, and every figure they move says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from divert.errors import DivertError
from divert.policy.evaluate import Value
from divert.policy.facts import FACTS, Kind

PREFIX = "assume."


def known() -> tuple[str, ...]:
    """Every assumption's name, without its prefix."""
    return tuple(p.removeprefix(PREFIX) for p in FACTS if p.startswith(PREFIX))


def parse(names: Iterable[str]) -> frozenset[str]:
    """Assumption names as a user writes them (with or without `assume.`) → fact paths.

    >>> sorted(parse(["hidden_charges_lesser"]))
    ['assume.hidden_charges_lesser']

    Raises:
        DivertError: a name that is not an assumption, saying which ones exist.
    """
    out = set()
    for name in names:
        path = name if name.startswith(PREFIX) else PREFIX + name.replace("-", "_")
        if path not in FACTS:
            raise DivertError(f"'{name}' is not a what-if assumption; divert knows "
                              f"{', '.join(known())}")
        out.add(path)
    return frozenset(out)


def fill_value(path: str) -> bool | int:
    """What an unknown filled fact reads as: none (0), or false for a true/false fact."""
    return False if FACTS[path].kind is Kind.BOOL else 0


def fills(on: frozenset[str]) -> frozenset[str]:
    """The facts read as 0 where unknown, under the assumptions `on`."""
    return frozenset(f for path in on for f in FACTS[path].fills)


def apply(scalars: dict[str, Value], on: frozenset[str]) -> dict[str, Value]:
    """Case and person facts with the assumptions `on` applied.

    >>> record = parse(["no_unpublished_record"])
    >>> apply({"person.open_diversions": None}, record)["person.open_diversions"]
    0
    >>> apply({"person.open_diversions": None}, frozenset())["assume.no_unpublished_record"]
    False
    """
    out = dict(scalars)
    for path in fills(on):
        if out.get(path) is None:
            out[path] = fill_value(path)
    out.update({p: p in on for p in FACTS if p.startswith(PREFIX)})
    return out
