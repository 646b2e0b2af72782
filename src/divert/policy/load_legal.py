"""The parts of a policy file that say where the law comes from and what it does per charge.

Read here, beside load.py: clauses with their basis (a cited source, or this project's
labelled assumption), what-if assumptions, charge rules (a memo that declines some counts and
leaves the rest charged), and the corrections and baseline of a version.
"""

from __future__ import annotations

from typing import Any

from divert.errors import PolicyError
from divert.policy.condition import Quantified
from divert.policy.explain import Disposition
from divert.policy.facts import FACTS
from divert.policy.language import parse_condition
from divert.policy.model import APPROVALS, ChargeRule, ClauseBasis, Note
from divert.policy.reader import Reader
from divert.policy.yamlpos import LocDict, LocList

CHARGE_RULE_KEYS = {"id": True, "clause": True, "when": True, "disposition": True, "says": True}
DISPOSITIONS = (Disposition.DECLINED.value,)  # what a charge rule may settle on its own
ASSUME = "assume."


def clauses(reader: Reader, data: LocDict) -> tuple[dict[str, str], dict[str, ClauseBasis]]:
    """Clause words by number, and each clause's basis where it states one.

    A clause is either its words, or `{text, source}` or `{text, assumption}`.
    """
    found = data.get("clauses")
    if not isinstance(found, LocDict) or not found:
        if "clauses" in data:
            reader.error("'clauses' must map clause numbers to their words", data.where("clauses"))
        return {}, {}
    words: dict[str, str] = {}
    bases: dict[str, ClauseBasis] = {}
    for key in found:
        number = key.lstrip("\x00")
        if key.startswith("\x00"):
            reader.error(f"the clause number {number} must be quoted, as \"{number}\"",
                         found.key_at(key), hint="unquoted, YAML reads 2.10 as the number 2.1")
        value = found[key]
        if not isinstance(value, LocDict):
            words[number] = reader.text(found, key, f"clause {number}")
            continue
        reader.keys(value, {"text": True, "source": False, "assumption": False},
                    f"clause {number}")
        words[number] = reader.text(value, "text", f"clause {number}'s text")
        kinds = [k for k in ("source", "assumption") if k in value]
        if len(kinds) != 1:
            reader.error(f"clause {number} must give either 'source' (where its words come "
                         "from) or 'assumption' (why this project assumes them), not "
                         f"{'both' if kinds else 'neither'}", value.position)
            continue
        bases[number] = ClauseBasis(kinds[0], reader.text(value, kinds[0],
                                                          f"clause {number}'s {kinds[0]}"))
    return words, bases


def approval(reader: Reader, data: LocDict, key: str, rule: str | None) -> str | None:
    """An approval named by a rule: one of model.APPROVALS."""
    if key not in data:
        return None
    return reader.choice(data, key, tuple(APPROVALS), f"'{key}'", rule)


def assumptions(reader: Reader, data: LocDict) -> dict[str, str]:
    """`assumptions: {name: words}`; each name is an `assume.` fact of the vocabulary."""
    found = data.get("assumptions")
    if found is None:
        return {}
    if not isinstance(found, LocDict):
        reader.error("'assumptions' must map each assumption's name to its words",
                     data.where("assumptions"))
        return {}
    out: dict[str, str] = {}
    known = [p.removeprefix(ASSUME) for p in FACTS if p.startswith(ASSUME)]
    for name in found:
        if ASSUME + name not in FACTS:
            reader.error(f"'{name}' is not a what-if assumption divert knows "
                         f"(it knows {', '.join(known)})", found.key_at(name))
            continue
        out[ASSUME + name] = reader.text(found, name, f"the assumption {name}")
    return out


def notes(reader: Reader, data: LocDict) -> tuple[Note, ...]:
    """`notes:`, each {clause, when, says}: sentences a decision carries; they decide nothing."""
    found = data.get("notes")
    if found is None:
        return ()
    if not isinstance(found, LocList):
        reader.error("'notes' must be a list of {clause, when, says}", data.where("notes"))
        return ()
    out = []
    for item in found:
        if not isinstance(item, LocDict) or not reader.keys(
                item, {"clause": True, "when": True, "says": True}, "the note"):
            continue
        text = item.get("when")
        try:
            condition = parse_condition(str(text))
        except PolicyError as exc:
            line, column = item.where("when")
            reader.error(exc.message, (line, column + max((exc.column or 1) - 1, 0)),
                         hint=exc.hint)
            continue
        out.append(Note(reader.text(item, "clause", "the note's clause"), condition,
                        str(text).strip(), reader.text(item, "says", "the note's 'says'")))
    return tuple(out)


def corrects(reader: Reader, data: LocDict, number: object) -> tuple[int, ...]:
    """Earlier version numbers this version corrects (it governs their dates instead)."""
    found = data.get("corrects", [])
    if not isinstance(found, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in found):
        reader.error("'corrects' must be a list of earlier version numbers",
                     data.where("corrects"))
        return ()
    for n in found:
        if not isinstance(number, int) or not 1 <= n < number:
            reader.error(f"'corrects' names v{n}, which is not an earlier version",
                         data.where("corrects"))
    return tuple(found)


def charge_rules(reader: Reader, data: LocDict) -> tuple[ChargeRule, ...]:
    """`charge_rules:`, each read over one charge at a time."""
    found = data.get("charge_rules")
    if found is None:
        return ()
    if not isinstance(found, LocList):
        reader.error("'charge_rules' must be a list of rules", data.where("charge_rules"))
        return ()
    out: list[ChargeRule] = []
    for index, item in enumerate(found):
        rule = _charge_rule(reader, item, found.where(index))
        if rule is not None:
            out.append(rule)
    return tuple(out)


def _charge_rule(reader: Reader, item: Any, at: tuple[int, int]) -> ChargeRule | None:
    if not isinstance(item, LocDict):
        reader.error("each charge rule must be a mapping with id, clause, when, disposition "
                     "and says", at)
        return None
    rule_id = item.get("id") if isinstance(item.get("id"), str) else None
    if not reader.keys(item, CHARGE_RULE_KEYS, "the charge rule", rule_id):
        return None
    clause = reader.text(item, "clause", "the clause", rule_id)
    disposition = reader.choice(item, "disposition", DISPOSITIONS, "the disposition", rule_id)
    says = reader.text(item, "says", "'says'", rule_id)
    text = item.get("when")
    if not isinstance(text, str):
        reader.error("'when' must be a condition written as text", item.where("when"),
                     rule=rule_id)
        return None
    prefix = "any charge where ("
    try:
        parsed = parse_condition(f"{prefix}{text})")
    except PolicyError as exc:
        line, column = item.where("when")
        shift = max((exc.column or 1) - 1 - len(prefix), 0)
        reader.error(exc.message, (line, column + shift), rule=rule_id, hint=exc.hint)
        return None
    if rule_id is None or disposition is None or not isinstance(parsed, Quantified):
        return None
    return ChargeRule(rule_id, clause, parsed.body, text.strip(), Disposition(disposition), says,
                      item.position[0])
