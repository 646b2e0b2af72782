"""The case table analytics works on: one row per filed case, with bail and custody folded in.

Filled from the ingest reader (`divert.ingest.phl_filings.read_phl_filings`), so analytics
sees exactly the cases, refusals and normalisation the rest of divert sees. Where that
reader is not installed, `load_filings` reads the CSV itself with DuckDB and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from divert.analytics.measures import Filing
from divert.cases.model import Case, Charge, ChargeScope, PersonRecord


@dataclass(frozen=True, slots=True)
class CaseRow:
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

    @property
    def month(self) -> str:
        return f"{self.filed:%Y-%m}"

    @property
    def filing(self) -> Filing:
        return Filing(self.person_id, self.case_id, self.filed)

    def to_case(self) -> Case:
        """The screening input: only the top charge is known, and the case says so."""
        return Case(
            case_id=self.case_id,
            charges=(Charge(self.top_charge),),
            filing_date=self.filed,
            person=PersonRecord(self.person_id),
            charge_scope=ChargeScope.TOP_CHARGE_ONLY,
        )


@dataclass(frozen=True, slots=True)
class CaseTable:
    """The cases, where they came from, and how many source rows were refused."""

    rows: tuple[CaseRow, ...]
    source: str
    refused: int
    reader: str  # which reader built it: "ingest" or "duckdb-fallback"

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


def rows_from_ingested(cases: Iterable[Any]) -> list[CaseRow]:
    """CaseRows from the ingest reader's FiledCase values (duck-typed on its documented fields)."""
    rows = []
    for fc in cases:
        events: Sequence[Any] = tuple(fc.bail_events)
        last = events[-1] if events else None
        rows.append(
            CaseRow(
                case_id=fc.case.case_id,
                person_id=fc.person_id,
                filed=_as_date(fc.filed_at),
                top_charge=fc.case.charges[0].as_written if fc.case.charges else "",
                age=fc.age,
                zip=fc.zip or None,
                defense=fc.defense or None,
                case_status=fc.case_status or None,
                bail_type=(last.bail_type or None) if last else None,
                bail_amount=last.amount if last else None,
                monetary_bail=any(e.bail_type == "Monetary" for e in events),
                held=any(bool(e.in_custody) for e in events),
            )
        )
    return rows


def load_filings(path: Path) -> CaseTable:
    """Read a Philadelphia filings CSV into a CaseTable, through the ingest reader if present."""
    try:
        from divert.ingest.phl_filings import read_phl_filings
    except ImportError:
        from divert.analytics.fallback import read_with_duckdb

        rows, refused = read_with_duckdb(path)
        return CaseTable(tuple(rows), path.name, refused, "duckdb-fallback")
    ingested = read_phl_filings(path)
    rows = sorted(rows_from_ingested(ingested.cases), key=lambda r: (r.filed, r.case_id))
    return CaseTable(tuple(rows), path.name, len(ingested.refusals), "ingest")
