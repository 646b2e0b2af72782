"""The condition AST: what a rule's `when:` means, shared by every engine.

Conditions are parsed (policy/language.py), never evaluated as Python. Every engine
(in-process, DuckDB, Spark) implements exactly these semantics:

* Truth is three-valued (Kleene): a fact that is missing, or a charge whose wording could not
  be read (category unknown), makes a comparison UNKNOWN, not FALSE.
* `Compare(fact, op, value)`: `is` / `is not` test equality, `in` / `not in` membership in a
  tuple, `<` `<=` `>` `>=` compare integers. An unknown fact gives UNKNOWN for every op but
  `is known` / `is not known`, which are never UNKNOWN: they ask whether the record holds the
  fact, for a clause that acts only on what a record states (a stated quantity).
* `Quantified("any", body)` over the case's charges: TRUE if the body is TRUE for some charge;
  FALSE if it is FALSE for every charge (so FALSE for no charges); else UNKNOWN.
  `every`: FALSE if FALSE for some charge; TRUE if TRUE for all (so TRUE for no charges);
  else UNKNOWN. `no` is `not any`. Inside a body, facts are charge facts (`charge.category`).
* `And`, `Or`, `Not`: Kleene's strong three-valued logic (as SQL's AND, OR, NOT over NULL).

How a decision follows from the rules' truths (policy/resolve.py):
  fired = rules that are TRUE; winners = fired rules not overridden (transitively) by another
  fired rule. If some UNKNOWN rule, not overridden by a fired rule, would give an outcome other
  than the winners', the outcome is `needs_review` and the unknown facts are listed. Otherwise
  the winners' outcome (they agree: `policy check` refuses conflicts), else the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Scalar = str | int | bool


class Op(StrEnum):
    IS = "is"
    IS_NOT = "is not"
    IN = "in"
    NOT_IN = "not in"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    KNOWN = "is known"  # two-valued: whether the record holds the fact at all
    NOT_KNOWN = "is not known"


class Quantifier(StrEnum):
    ANY = "any"
    EVERY = "every"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str  # a registered fact path, e.g. "person.pad_contacts", "charge.category"
    op: Op
    value: Scalar | tuple[Scalar, ...]
    column: int = field(default=0, compare=False)  # 1-based column in the `when:` text


@dataclass(frozen=True, slots=True)
class Quantified:
    quantifier: Quantifier
    body: Condition  # reads only charge facts
    column: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


Condition = Compare | Quantified | And | Or | Not


def facts_of(condition: Condition) -> tuple[str, ...]:
    """Every fact path a condition reads, in order of first appearance.

    >>> facts_of(And((Compare("person.pad_contacts", Op.GE, 2),
    ...               Quantified(Quantifier.ANY, Compare("charge.category", Op.IS, "dui")))))
    ('person.pad_contacts', 'charge.category')
    """
    seen: dict[str, None] = {}

    def walk(node: Condition) -> None:
        match node:
            case Compare(fact=fact):
                seen.setdefault(fact, None)
            case Quantified(body=body):
                walk(body)
            case And(parts=parts) | Or(parts=parts):
                for part in parts:
                    walk(part)
            case Not(part=part):
                walk(part)

    walk(condition)
    return tuple(seen)
