"""One row of the Philadelphia filings CSV, checked field by field.

A row either parses into a `PhlRow` or is refused with the first field that is wrong.
The allowed values are the ones the First Judicial District publishes (see docs/ingest.md);
a new value is refused, not guessed, so that a change in the feed is noticed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from divert.ingest.refusals import Refusal

COLUMNS = (
    "case_id", "court", "person_id", "person_link", "filing_date", "top_charge", "age", "zip",
    "defense", "bail_date", "bail_type", "bail_amount", "bail_status",
    "outstanding_bail_amount", "in_custody", "case_status",
)  # fmt: skip
BAIL_COLUMNS = COLUMNS[9:15]

PERSON_LINKS = ("name+dob", "name+age")
DEFENSES = ("public_defender", "private_or_appointed", "none_listed")
BAIL_TYPES = ("Monetary", "Unsecured", "ROR", "Nonmonetary")
# "Forfeited" (bail forfeited after a missed appearance) appears in the 2023 feed.
BAIL_STATUSES = ("Set", "Posted", "Denied", "Revoked", "Partial Posting", "Forfeited")
CASE_STATUSES = ("Active", "Closed", "Inactive", "Adjudicated")
_ZIP = re.compile(r"\d{5}")
# Age is a screening fact (case.age): outside these bounds it is a placeholder (the real
# feed has 121, a birth year of 1900), not an age, and stays unknown.
MIN_AGE, MAX_AGE = 0, 120
# Filing and bail dates outside these years are refused, not stored (red-team finding 9:
# 9999-12-31 and 1900-01-01 were accepted and the funnel then spanned 1900-9999). Assumption,
# not a source: this is a feed of *new* filings (the shipped file spans 2021-22), so a date
# before 2000 or after 2099 is a placeholder or a typo, never a real filing.
FIRST_YEAR, LAST_YEAR = 2000, 2099

T = TypeVar("T")


class RowError(ValueError):
    """A field that makes the row unusable: which column, its value and why."""

    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PhlRow:
    """A row whose every field was read; blank optional fields are None."""

    line: int
    case_id: str
    person_id: str
    person_link: str
    filed_at: datetime
    top_charge: str
    age: int | None
    zip: str | None
    defense: str | None
    bail_date: datetime | None
    bail_type: str | None
    bail_amount: float | None
    bail_status: str | None
    outstanding_bail_amount: float | None
    in_custody: str | None
    case_status: str | None
    has_bail_event: bool


def _required(column: str, value: str) -> str:
    if not value:
        raise RowError(column, value, "is empty; every row needs it")
    return value


def _one_of(allowed: tuple[str, ...]) -> Callable[[str, str], str | None]:
    def check(column: str, value: str) -> str | None:
        if not value:
            return None
        if value not in allowed:
            raise RowError(column, value, "is not one of " + ", ".join(allowed))
        return value

    return check


def _when(column: str, value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        reason = "is not an ISO 8601 date-time (2021-08-19T04:44:00)"
        raise RowError(column, value, reason) from None
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise RowError(column, value, f"is outside the years {FIRST_YEAR} to {LAST_YEAR}: "
                       "a placeholder or a typo, not a date of this feed")
    return when


def _dollars(column: str, value: str) -> float | None:
    if not value:
        return None
    try:
        amount = float(value.replace(",", "").removeprefix("$"))
    except ValueError:
        raise RowError(column, value, "is not a number of dollars") from None
    if not math.isfinite(amount):
        raise RowError(column, value, "is not a finite number of dollars")
    return amount


def _field(fields: dict[str, str], column: str, read: Callable[[str, str], T]) -> T:
    return read(column, fields[column])


def _filed_at(column: str, value: str) -> datetime:
    when = _when(column, _required(column, value))
    assert when is not None  # _required refused the empty value
    return when


def _link(column: str, value: str) -> str:
    return _one_of(PERSON_LINKS)(column, _required(column, value)) or value


def _bail(column: str, value: str) -> float | None:
    amount = _dollars(column, value)
    if amount is not None and amount < 0:
        raise RowError(column, value, "is negative; bail is 0 or more")
    return amount


def parse_row(
    path: str, line: int, raw: list[str], header: list[str]
) -> tuple[PhlRow, list[Refusal]] | Refusal:
    """The row read (with warnings for unreadable age or ZIP), or a Refusal.

    A refusal names the row's line, the first bad column in file order, its value and why.
    Age and ZIP only describe the person, so an unreadable one is left unknown and reported
    as a warning instead of refusing the whole case.
    """
    if len(raw) != len(header):
        return Refusal(path, line, None, None, f"expected {len(header)} columns, found {len(raw)}")
    fields = {name: value.strip() for name, value in zip(header, raw, strict=True)}
    try:
        row = _parse(line, fields)
    except RowError as err:
        return Refusal(path, line, err.column, err.value, err.reason)
    warnings: list[Refusal] = []
    age = _age(fields["age"])
    if fields["age"] and age is None:
        warnings.append(
            Refusal(
                path, line, "age", fields["age"],
                f"is not a whole number of years from {MIN_AGE} to {MAX_AGE}; age left unknown",
            )
        )
    zip_code = fields["zip"] if _ZIP.fullmatch(fields["zip"]) else None
    if fields["zip"] and zip_code is None:
        warnings.append(
            Refusal(path, line, "zip", fields["zip"], "is not a 5-digit ZIP code; ZIP left unknown")
        )
    return replace(row, age=age, zip=zip_code), warnings


def _age(value: str) -> int | None:
    # isascii: str.isdigit() also accepts digits such as '²' that int() cannot read
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) if MIN_AGE <= int(value) <= MAX_AGE else None


def _parse(line: int, f: dict[str, str]) -> PhlRow:
    # Keyword arguments are evaluated in order: the first bad column in file order is named.
    return PhlRow(
        line=line,
        case_id=_field(f, "case_id", _required),
        person_id=_field(f, "person_id", _required),
        person_link=_field(f, "person_link", _link),
        filed_at=_field(f, "filing_date", _filed_at),
        top_charge=_field(f, "top_charge", _required),
        age=None,  # read leniently by parse_row: a bad age or ZIP is a warning
        zip=None,
        defense=_field(f, "defense", _one_of(DEFENSES)),
        bail_date=_field(f, "bail_date", _when),
        bail_type=_field(f, "bail_type", _one_of(BAIL_TYPES)),
        bail_amount=_field(f, "bail_amount", _bail),
        bail_status=_field(f, "bail_status", _one_of(BAIL_STATUSES)),
        outstanding_bail_amount=_field(f, "outstanding_bail_amount", _dollars),
        in_custody=f["in_custody"] or None,
        case_status=_field(f, "case_status", _one_of(CASE_STATUSES)),
        has_bail_event=any(f[c] for c in BAIL_COLUMNS),
    )
