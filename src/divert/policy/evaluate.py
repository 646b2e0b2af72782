"""Three-valued evaluation of a Condition over plain facts: the reference semantics.

The in-process engine and `policy check`'s bounded model search both evaluate through this
one function, so the checker reasons about exactly what the engine will do. The semantics
are those of condition.py's docstring (Kleene logic; `None` is unknown).

Every sub-condition is evaluated (no short-circuit), so the facts a rule *read* do not
depend on the order of its parts: two engines report the same `facts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified, Quantifier
from divert.policy.explain import Truth

Value = str | int | bool | None


@dataclass(frozen=True, slots=True)
class Facts:
    """What a condition can read: case and person facts, and each charge's facts.

    Keys are fact paths of policy/facts.py (`person.pad_contacts`, `charge.category`);
    a missing key or `None` means unknown.
    """

    scalars: Mapping[str, Value]
    charges: tuple[Mapping[str, Value], ...] = ()


def t_and(truths: list[Truth]) -> Truth:
    """Kleene AND.

    >>> t_and([Truth.TRUE, Truth.UNKNOWN]), t_and([Truth.FALSE, Truth.UNKNOWN])
    (<Truth.UNKNOWN: 'unknown'>, <Truth.FALSE: 'false'>)
    """
    if Truth.FALSE in truths:
        return Truth.FALSE
    return Truth.UNKNOWN if Truth.UNKNOWN in truths else Truth.TRUE


def t_or(truths: list[Truth]) -> Truth:
    """Kleene OR.

    >>> t_or([Truth.FALSE, Truth.UNKNOWN]), t_or([Truth.TRUE, Truth.UNKNOWN])
    (<Truth.UNKNOWN: 'unknown'>, <Truth.TRUE: 'true'>)
    """
    if Truth.TRUE in truths:
        return Truth.TRUE
    return Truth.UNKNOWN if Truth.UNKNOWN in truths else Truth.FALSE


def t_not(truth: Truth) -> Truth:
    """Kleene NOT: unknown stays unknown."""
    return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(truth, Truth.UNKNOWN)


def compare(value: Value, op: Op, target: object) -> Truth:
    """One comparison; an unknown value is UNKNOWN whatever the operator.

    >>> compare(None, Op.IS, "x"), compare(3, Op.GE, 2), compare("a", Op.NOT_IN, ("a", "b"))
    (<Truth.UNKNOWN: 'unknown'>, <Truth.TRUE: 'true'>, <Truth.FALSE: 'false'>)
    """
    if op in (Op.KNOWN, Op.NOT_KNOWN):
        return _truth((value is not None) == (op is Op.KNOWN))
    if value is None:
        return Truth.UNKNOWN
    if op in (Op.IS, Op.IS_NOT):
        result = value == target
        return _truth(result if op is Op.IS else not result)
    if op in (Op.IN, Op.NOT_IN):
        assert isinstance(target, tuple)
        result = value in target
        return _truth(result if op is Op.IN else not result)
    if not isinstance(value, int) or isinstance(value, bool) or not isinstance(target, int):
        return Truth.UNKNOWN
    results = {Op.LT: value < target, Op.LE: value <= target, Op.GT: value > target}
    return _truth(results.get(op, value >= target))


def _truth(flag: bool) -> Truth:
    return Truth.TRUE if flag else Truth.FALSE


def evaluate(condition: Condition, facts: Facts, read: dict[str, object] | None = None) -> Truth:
    """The truth of `condition` over `facts`; records every fact consulted into `read`.

    Charge facts are recorded as `charges[i].category`, the others by their own path.

    >>> from divert.policy.language import parse_condition
    >>> c = parse_condition("any charge is possession_with_intent_to_deliver")
    >>> read: dict[str, object] = {}
    >>> evaluate(c, Facts({}, ({"charge.category": None}, {"charge.category": "dui"})), read)
    <Truth.UNKNOWN: 'unknown'>
    >>> read
    {'charges[0].category': None, 'charges[1].category': 'dui'}
    >>> evaluate(parse_condition("every charge is dui"), Facts({}, ()))
    <Truth.TRUE: 'true'>
    """
    sink: dict[str, object] = {} if read is None else read
    return _eval(condition, facts, None, sink)


def _eval(node: Condition, facts: Facts, charge: int | None, read: dict[str, object]) -> Truth:
    match node:
        case Compare(fact=fact, op=op, value=target):
            if charge is not None and fact.startswith("charge."):
                value = facts.charges[charge].get(fact)
                read[f"charges[{charge}].{fact.removeprefix('charge.')}"] = value
            else:
                value = facts.scalars.get(fact)
                read[fact] = value
            return compare(value, op, target)
        case Quantified(quantifier=quantifier, body=body):
            truths = [_eval(body, facts, i, read) for i in range(len(facts.charges))]
            if quantifier is Quantifier.EVERY:
                return t_and(truths)
            found = t_or(truths)
            return found if quantifier is Quantifier.ANY else t_not(found)
        case And(parts=parts):
            return t_and([_eval(part, facts, charge, read) for part in parts])
        case Or(parts=parts):
            return t_or([_eval(part, facts, charge, read) for part in parts])
        case Not(part=part):
            return t_not(_eval(part, facts, charge, read))
    raise TypeError(f"not a condition: {node!r}")  # pragma: no cover - the AST is closed


def witnesses(condition: Condition, facts: Facts) -> list[int]:
    """The charges that make an `any` or `every` part of a condition true (for `{charge}`).

    >>> from divert.policy.language import parse_condition
    >>> c = parse_condition("any charge is dui or person.pad_contacts >= 1")
    >>> witnesses(c, Facts({}, ({"charge.category": "other"}, {"charge.category": "dui"})))
    [1]
    """
    found: list[int] = []

    def walk(node: Condition) -> None:
        match node:
            case Quantified(quantifier=quantifier, body=body):
                if quantifier is Quantifier.NO:
                    return
                for index, charge in enumerate(facts.charges):
                    one = Facts(facts.scalars, (charge,))
                    truth = evaluate(Quantified(Quantifier.ANY, body), one)
                    if truth is Truth.TRUE and index not in found:
                        found.append(index)
            case And(parts=parts) | Or(parts=parts):
                for part in parts:
                    walk(part)
            case Not(part=part):
                walk(part)

    walk(condition)
    return found
