"""Any supported case file, read into cases to screen: the reader behind `divert screen`.

The Philadelphia filings feed is recognised by its header; otherwise the file must be a
generic cases table (CSV, Parquet or JSON Lines). Anything else gets one clear sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from divert.errors import InputFormatError
from divert.ingest import case_table
from divert.ingest.filed_case import FiledCase
from divert.ingest.phl_filings import EXPECTED as PHL_EXPECTED
from divert.ingest.phl_filings import is_phl_filings_header, read_phl_filings
from divert.ingest.refusals import Refusal
from divert.ingest.table_rows import format_of, read_table
from divert.ingest.textfile import read_text, split_header
from divert.model.case import Case, PersonRecord

EXPECTED = f"either {PHL_EXPECTED} or {case_table.EXPECTED}"


@dataclass(frozen=True, slots=True)
class CaseInput:
    """The cases a file gave, its refused rows and the counts that tie them."""

    path: Path
    format: str  # phl_filings | cases-csv | cases-parquet | cases-jsonl
    cases: tuple[Case, ...]
    refusals: tuple[Refusal, ...]
    rows_read: int  # rows of the case file, plus those of the person facts file if any
    warnings: tuple[Refusal, ...] = ()
    filed: tuple[FiledCase, ...] = ()  # the feed's own facts, for the filings format

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - len(self.refusals)


def read_cases(path: Path, persons: Path | None = None) -> CaseInput:
    """Read a case file of any supported format; join person facts when a file is given.

    Raises:
        InputFormatError: the file (or the person facts file) is not a supported format.
    """
    if format_of(path) == "csv" and is_phl_filings_header(_header(path)):
        if persons is not None:
            raise InputFormatError(
                str(persons),
                "person facts cannot be joined to the Philadelphia filings feed: its person "
                "ids are pseudonyms that no other source shares",
            )
        got = read_phl_filings(path)
        return CaseInput(
            path,
            "phl_filings",
            got.screening_cases(),
            got.refusals,
            got.rows_read,
            got.warnings,
            got.cases,
        )
    table = read_table(path, EXPECTED)
    if not case_table.is_cases_header(table.columns):
        found = ", ".join(table.columns[:12]) or "no columns"
        raise InputFormatError(str(path), f"is not a case file: expected {EXPECTED}; found {found}")
    people: dict[str, PersonRecord] = {}
    person_refusals: list[Refusal] = []
    person_rows = 0
    if persons is not None:
        people, person_refusals, person_rows = case_table.read_person_facts(persons)
    cases, refusals = case_table.read_case_table(path, table, people)
    return CaseInput(
        path,
        f"cases-{table.format}",
        cases,
        tuple(person_refusals + refusals),
        len(table.rows) + person_rows,
    )


def _header(path: Path) -> list[str]:
    header, _ = split_header(path, read_text(path, EXPECTED), EXPECTED)
    return header
