"""A policy's own list of charges (`charge_list:`): a file a lawyer can read and complete.

The February 2018 no-cash-bail policy names 25 charges; 21 are known from a secondary source
and 4 were never found. The list file holds every item with its basis: `status: sourced`
(with `source`) or `status: unknown` (with the candidates, as `when`, and why they are only
candidates). A rule reads the list as two charge facts: `listed` (the charge meets a sourced
item's `when`) and `maybe_listed` (it meets an unknown item's candidate `when`). The loader
replaces both by the items' conditions, so every engine evaluates plain charge facts, and the
list's content is part of the version's sha256: completing the list is a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from divert.errors import PolicyError
from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified
from divert.policy.language import parse_condition
from divert.policy.reader import Reader, load_list
from divert.policy.yamlpos import LocDict

STATUSES = ("sourced", "unknown")
ITEM_KEYS = {"item": True, "status": True, "when": False, "source": False, "why": False,
             "note": False}


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of the list: its words, whether it is sourced, and the charges it covers."""

    number: int  # 1-based, in file order
    item: str
    status: str  # sourced | unknown
    basis: str  # the source, or why it is unknown
    when: Condition | None  # over one charge's facts; None: no statute named yet
    when_text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class ChargeList:
    path: str
    title: str
    items: tuple[ListItem, ...]
    raw: Any  # the parsed file, for the version's sha256

    def of(self, status: str) -> tuple[ListItem, ...]:
        return tuple(i for i in self.items if i.status == status)

    def condition(self, status: str) -> Condition:
        """The charge condition `listed` (sourced) or `maybe_listed` (unknown) stands for."""
        return merged(tuple(i.when for i in self.of(status) if i.when is not None))


def merged(parts: tuple[Condition, ...]) -> Condition:
    """The items' conditions joined by `or`, with every plain `FACT is VALUE` of one fact
    merged into one `FACT is in [...]`: the same truth, and `policy check`'s search sees one
    comparison instead of one per item (policy/search.py treats alike values as one).

    >>> a = parse_condition("any charge is dui").body
    >>> b = parse_condition("any charge is prostitution").body
    >>> merged((a, b)).parts[0].value
    ('dui', 'prostitution')
    """
    values: dict[str, list[object]] = {}
    rest: list[Condition] = []
    for part in parts:
        if isinstance(part, Compare) and part.op in (Op.IS, Op.IN):
            found = part.value if isinstance(part.value, tuple) else (part.value,)
            bucket = values.setdefault(part.fact, [])
            bucket.extend(v for v in found if v not in bucket)
        else:
            rest.append(part)
    joined = [Compare(fact, Op.IN, tuple(vs)) for fact, vs in values.items()]  # type: ignore[arg-type]
    return Or((*joined, *rest))


def read_charge_list(path: Path) -> ChargeList:
    """Read and check a list file.

    Raises:
        PolicyErrors: every mistake, each as `file:line:col: sentence`.
    """
    reader, data, items = load_list(path, "items", "a charge list")
    out: list[ListItem] = []
    for index, raw in enumerate(items):
        at = items.where(index)
        if not isinstance(raw, LocDict):
            reader.error("each item must be a mapping with item, status and source or why", at)
            continue
        reader.keys(raw, ITEM_KEYS, "the item")
        status = reader.choice(raw, "status", STATUSES, "the item's status")
        name = reader.text(raw, "item", "the item's words")
        basis_key = "source" if status == "sourced" else "why"
        if status and not isinstance(raw.get(basis_key), str):
            reader.error(f"a {status} item needs '{basis_key}'"
                         + (": where its words come from" if status == "sourced"
                            else ": why it is not known"), raw.position)
        when, text = _when(reader, raw)
        out.append(ListItem(index + 1, name, status or "", str(raw.get(basis_key, "")), when,
                            text, raw.position[0]))
    if reader.errors:
        from divert.errors import PolicyErrors

        raise PolicyErrors(reader.errors)
    return ChargeList(reader.path, str(data.get("title", "")), tuple(out), _plain(data))


def _when(reader: Reader, raw: LocDict) -> tuple[Condition | None, str]:
    text = raw.get("when")
    if text is None:
        return None, ""
    if not isinstance(text, str):
        reader.error("'when' must be a condition over one charge, written as text",
                     raw.where("when"))
        return None, ""
    try:
        node = parse_condition(f"any charge where ({text})")
    except PolicyError as exc:
        line, column = raw.where("when")
        offset = len("any charge where (")
        reader.error(exc.message, (line, column + max((exc.column or 1) - 1 - offset, 0)),
                     hint=exc.hint)
        return None, ""
    assert isinstance(node, Quantified)
    if _mentions_list(node.body):
        reader.error("an item cannot itself read 'listed' or 'maybe_listed'", raw.where("when"))
        return None, ""
    return node.body, text.strip()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


LIST_FACT_STATUS = {"charge.listed": "sourced", "charge.maybe_listed": "unknown"}


def _mentions_list(node: Condition) -> bool:
    match node:
        case Compare(fact=fact):
            return fact in LIST_FACT_STATUS
        case Quantified(body=body):
            return _mentions_list(body)
        case And(parts=parts) | Or(parts=parts):
            return any(_mentions_list(p) for p in parts)
        case Not(part=part):
            return _mentions_list(part)
    return False


def mentions_list(node: Condition) -> bool:
    """Whether a condition reads `listed` or `maybe_listed` (it then needs a charge list)."""
    return _mentions_list(node)


def expand(node: Condition, charges: ChargeList) -> Condition:
    """`node` with `listed` / `maybe_listed` replaced by the list's item conditions.

    Raises:
        PolicyError: `is known` on a list fact (membership is a condition, not a record).
    """
    match node:
        case Compare(fact=fact, op=op, value=value) if fact in LIST_FACT_STATUS:
            body = charges.condition(LIST_FACT_STATUS[fact])
            if op in (Op.KNOWN, Op.NOT_KNOWN, Op.LT, Op.LE, Op.GT, Op.GE):
                raise PolicyError(f"'{fact.removeprefix('charge.')}' can only be compared "
                                  "with 'is true' or 'is false'", column=node.column)
            wanted = bool(value) if op is Op.IS else not bool(value)
            return body if wanted else Not(body)
        case Quantified(quantifier=q, body=body, column=column):
            return Quantified(q, expand(body, charges), column)
        case And(parts=parts):
            return And(tuple(expand(p, charges) for p in parts))
        case Or(parts=parts):
            return Or(tuple(expand(p, charges) for p in parts))
        case Not(part=part):
            return Not(expand(part, charges))
    return node
