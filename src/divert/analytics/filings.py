"""The case table analytics works on: one row per filed case, with bail and custody folded in.

Filled from the ingest reader (`divert.ingest.phl_filings.read_phl_filings`), so analytics
sees exactly the cases and refusals the rest of divert sees. The feed sometimes publishes
one defendant under two pseudonyms on the same case; those are joined into one person
here, so that a re-filing under the other pseudonym still counts as the same person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from divert.analytics.measures import Filing
from divert.model.case import Case, Charge, ChargeScope, PersonRecord


@dataclass(frozen=True, slots=True)
class FilingRow:
    """One filed case as analytics needs it; None means the data does not say."""

    case_id: str
    person_id: str
    filed: date
    top_charge: str
    age: int | None
    zip: str | None
    defense: str | None
    case_status: str | None
    bail_type: str | None  # of the latest bail event
    bail_amount: float | None  # of the latest bail event, dollars
    monetary_bail: bool  # any bail event was Monetary
    held: bool  # any bail event records a custody facility
    held_for_money: bool = False  # monetary bail not posted at the last bail event
    screening: Case | None = None  # the case as ingest read it for screening

    @property
    def month(self) -> str:
        return f"{self.filed:%Y-%m}"

    @property
    def filing(self) -> Filing:
        return Filing(self.person_id, self.case_id, self.filed)

    def to_case(self) -> Case:
        """The screening input as ingest read it (only the top charge, age, bail facts),
        under the person id joined across the case's pseudonyms."""
        if self.screening is not None:
            return replace(self.screening, person=PersonRecord(self.person_id))
        return Case(
            case_id=self.case_id,
            charges=(Charge(self.top_charge),),
            filing_date=self.filed,
            person=PersonRecord(self.person_id),
            charge_scope=ChargeScope.TOP_CHARGE_ONLY,
            age=self.age,
        )


@dataclass(frozen=True, slots=True)
class CaseTable:
    """The cases, where they came from, and how many source rows were refused."""

    rows: tuple[FilingRow, ...]
    source: str
    refused: int
    people: int  # distinct people after joining pseudonyms published on the same case

    @property
    def start(self) -> date:
        return min(r.filed for r in self.rows)

    @property
    def end(self) -> date:
        return max(r.filed for r in self.rows)

    def filings(self) -> list[Filing]:
        return [r.filing for r in self.rows]


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def person_links(id_groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """Map every pseudonym to one id per person, joining ids published on the same case.

    >>> person_links([("P1", "P2"), ("P3",), ("P2", "P4")])["P4"]
    'P1'
    """
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids in id_groups:
        for other in ids[1:]:
            a, b = root(ids[0]), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
        if ids:
            root(ids[0])
    return {x: root(x) for x in parent}


def rows_from_ingested(cases: Sequence[Any]) -> list[FilingRow]:
    """CaseRows from the ingest reader's FiledCase values, pseudonyms of one person joined."""
    links = person_links([fc.person_ids or (fc.person_id,) for fc in cases])
    rows = []
    for fc in cases:
        last = fc.final_bail
        rows.append(
            FilingRow(
                case_id=fc.case_id,
                person_id=links[fc.person_id],
                filed=_as_date(fc.filed_at),
                top_charge=fc.top_charge,
                age=fc.age,
                zip=fc.zip or None,
                defense=fc.defense or None,
                case_status=fc.case_status or None,
                bail_type=(last.bail_type or None) if last else None,
                bail_amount=last.bail_amount if last else None,
                monetary_bail=any(e.is_monetary for e in fc.bail_events),
                held=fc.ever_in_custody,
                held_for_money=fc.held_on_monetary_bail,
                screening=fc.case,
            )
        )
    return sorted(rows, key=lambda r: (r.filed, r.case_id))


def load_filings(path: Path) -> CaseTable:
    """Read a Philadelphia filings CSV into a CaseTable through the ingest reader."""
    from divert.ingest.phl_filings import read_phl_filings

    ingested = read_phl_filings(path)
    rows = rows_from_ingested(ingested.cases)
    people = len({r.person_id for r in rows})
    return CaseTable(tuple(rows), path.name, len(ingested.refusals), people)
