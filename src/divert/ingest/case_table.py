"""The generic "cases" table: one row per charge, grouped into cases, with person facts.

Columns (docs/ingest.md): case_id, filing_date, charge (required); citation, person_id,
charge_scope, drug, grade, quantity_grams, age, money_bail, held, police_district (optional).
A person facts table joins on person_id. Any value the table leaves blank is unknown to the
policy, never zero or false.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from divert.errors import InputFormatError
from divert.ingest.refusals import Refusal
from divert.ingest.table_rows import Row, Table, read_table
from divert.model.case import Case, Charge, ChargeScope, PersonRecord
from divert.policy.facts import DRUGS, FACTS

REQUIRED = ("case_id", "filing_date", "charge")
OPTIONAL = ("citation", "person_id", "charge_scope", "drug", "grade", "quantity_grams", *(
    "age", "money_bail", "held", "police_district"))
PERSON_FACTS = tuple(p.removeprefix("person.") for p in FACTS if p.startswith("person."))
# Case facts a row may give, each with its check: (column, lowest, highest) for whole numbers,
# (column, None, None) for true/false. Every row of a case must agree on them.
CASE_FACTS = (("age", 0, 120), ("money_bail", None, None), ("held", None, None),
              ("police_district", 1, 39))
CaseValue = int | bool | None
EXPECTED = "a cases table with columns " + ", ".join(REQUIRED) + " (one row per charge)"
_GRADES = FACTS["charge.grade"].values
_SCOPES = tuple(s.value for s in ChargeScope)


@dataclass(frozen=True, slots=True)
class _ChargeRow:
    line: int
    case_id: str
    filing_date: date
    person_id: str | None
    scope: ChargeScope
    charge: Charge
    facts: tuple[CaseValue, ...] = ()  # CASE_FACTS, in order


def is_cases_header(columns: tuple[str, ...] | list[str]) -> bool:
    return set(REQUIRED) <= set(columns)


def read_case_table(
    path: Path, table: Table, persons: dict[str, PersonRecord]
) -> tuple[tuple[Case, ...], list[Refusal]]:
    """Cases from a cases table (rows grouped by case_id, in first-seen order), and refusals.

    Raises:
        InputFormatError: a required column is missing from the table.
    """
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputFormatError(
            str(path), f"lacks the column(s) {', '.join(missing)}; expected {EXPECTED}"
        )
    refusals: list[Refusal] = []
    groups: dict[str, list[_ChargeRow]] = {}
    for item in table.rows:
        if isinstance(item, Refusal):
            refusals.append(item)
            continue
        parsed = _charge_row(str(path), *item)
        if isinstance(parsed, Refusal):
            refusals.append(parsed)
            continue
        first = groups.setdefault(parsed.case_id, [parsed])[0]
        disagreement = _disagreement(first, parsed)
        if disagreement:
            column, value = disagreement
            reason = "disagrees with the case's first row"
            refusals.append(Refusal(str(path), parsed.line, column, value, reason))
        elif parsed is not first:
            groups[parsed.case_id].append(parsed)
    cases = tuple(_case(rows, persons) for rows in groups.values())
    return cases, sorted(refusals, key=lambda r: r.line)


def _disagreement(first: _ChargeRow, row: _ChargeRow) -> tuple[str, str] | None:
    if row.filing_date != first.filing_date:
        return "filing_date", row.filing_date.isoformat()
    if row.person_id != first.person_id:
        return "person_id", row.person_id or ""
    if row.scope != first.scope:
        return "charge_scope", row.scope.value
    for (column, _, _), mine, theirs in zip(CASE_FACTS, row.facts, first.facts, strict=True):
        if mine != theirs:
            return column, "" if mine is None else str(mine).lower()
    return None


def _charge_row(path: str, line: int, row: Row) -> _ChargeRow | Refusal:
    def refuse(column: str, reason: str) -> Refusal:
        return Refusal(path, line, column, row.get(column, ""), reason)

    if not row.get("case_id"):
        return refuse("case_id", "is empty; every row needs it")
    try:
        filed = date.fromisoformat(row.get("filing_date", "")[:10])
    except ValueError:
        return refuse("filing_date", "is not an ISO 8601 date (2026-07-02)")
    wording, citation = row.get("charge", ""), row.get("citation", "")
    if not wording and not citation:
        return refuse("charge", "is empty and so is citation; a row needs one of them")
    for column, allowed in (("charge_scope", _SCOPES), ("drug", DRUGS), ("grade", _GRADES)):
        if row.get(column) and row[column] not in allowed:
            return refuse(column, "is not one of " + ", ".join(allowed))
    quantity = _grams(row.get("quantity_grams", "").strip())
    if quantity is False:
        return refuse("quantity_grams", "is not a weight in grams such as 2 or 0.5 "
                      "(blank when the record states none)")
    charge = Charge(
        as_written=wording or citation,
        citation=citation or None,
        grade=row.get("grade") or None,
        drug=row.get("drug") or None,
        quantity_grams=quantity,
    )
    scope = ChargeScope(row.get("charge_scope") or ChargeScope.COMPLETE.value)
    facts: list[CaseValue] = []
    for column, low, high in CASE_FACTS:
        value = row.get(column, "").strip()
        if not value:
            facts.append(None)
        elif low is None:
            if value.lower() not in ("true", "false"):
                return refuse(column, "is not true or false (blank when not known)")
            facts.append(value.lower() == "true")
        elif not (value.isascii() and value.isdigit()) or not low <= int(value) <= (high or 0):
            return refuse(column, f"is not a whole number from {low} to {high}")
        else:
            facts.append(int(value))
    return _ChargeRow(line, row["case_id"], filed, row.get("person_id") or None, scope, charge,
                      tuple(facts))


def _grams(value: str) -> int | Literal[False] | None:
    """Whole grams, rounded down (a threshold of N grams compares the same); False if unreadable."""
    if not value:
        return None
    try:
        grams = Decimal(value)
    except InvalidOperation:
        return False
    if not grams.is_finite() or grams < 0 or grams > 10**9:
        return False
    return int(grams)


def _case(rows: list[_ChargeRow], persons: dict[str, PersonRecord]) -> Case:
    first = rows[0]
    person = None
    if first.person_id is not None:
        person = persons.get(first.person_id, PersonRecord(person_id=first.person_id))
    age, money_bail, held, district = first.facts
    return Case(
        case_id=first.case_id,
        charges=tuple(r.charge for r in rows),
        filing_date=first.filing_date,
        person=person,
        charge_scope=first.scope,
        age=_number(age),
        money_bail=_flag(money_bail),
        held=_flag(held),
        police_district=_number(district),
    )


def _number(value: CaseValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: CaseValue) -> bool | None:
    return value if isinstance(value, bool) else None


def read_person_facts(path: Path) -> tuple[dict[str, PersonRecord], list[Refusal], int]:
    """Person facts by person_id (CSV, Parquet or JSON Lines), refusals, and rows read.

    Blank values stay unknown; a person missing from the table has every fact unknown.

    Raises:
        InputFormatError: the table has no person_id column.
    """
    expected = "a person facts table with a person_id column and any of " + ", ".join(PERSON_FACTS)
    table = read_table(path, expected)
    if "person_id" not in table.columns:
        raise InputFormatError(str(path), f"lacks the column person_id; expected {expected}")
    people: dict[str, PersonRecord] = {}
    refusals: list[Refusal] = []
    for item in table.rows:
        if isinstance(item, Refusal):
            refusals.append(item)
            continue
        line, row = item
        person = _person(str(path), line, row, people)
        if isinstance(person, Refusal):
            refusals.append(person)
        else:
            people[person.person_id] = person
    return people, refusals, len(table.rows)


def _person(
    path: str, line: int, row: Row, seen: dict[str, PersonRecord]
) -> PersonRecord | Refusal:
    person_id = row.get("person_id", "")
    if not person_id:
        return Refusal(path, line, "person_id", "", "is empty; every row needs it")
    if person_id in seen:
        return Refusal(path, line, "person_id", person_id, "appears twice; keep one row")
    counts: dict[str, int | None] = {}
    for column in PERSON_FACTS:
        value = row.get(column, "")
        if value and not (value.isascii() and value.isdigit()):
            return Refusal(path, line, column, value, "is not a whole number 0 or more")
        counts[column] = int(value) if value else None
    return PersonRecord(person_id=person_id, **counts)
