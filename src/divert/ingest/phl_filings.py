"""Reading the Philadelphia "New Criminal Filings" CSV into filed cases, refusing bad rows.

One row is one bail event; rows are grouped into cases by `case_id`. The feed publishes only
each case's most serious charge, so every case is marked `TOP_CHARGE_ONLY` and its person
facts (prior record, open diversions, PAD contacts) stay unknown: the feed does not say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from divert.errors import InputFormatError
from divert.ingest.filed_case import BailEvent, FiledCase, Ingested, held_in_custody, money_bail_set
from divert.ingest.phl_rows import COLUMNS, PhlRow, parse_row
from divert.ingest.refusals import Refusal
from divert.ingest.textfile import read_text, split_header
from divert.model.case import Case, Charge, ChargeScope, PersonRecord, Stage

EXPECTED = "the Philadelphia filings CSV (a header row naming " + ", ".join(COLUMNS) + ")"


def is_phl_filings_header(header: Sequence[str]) -> bool:
    """Whether a header names every column of the Philadelphia filings feed."""
    return set(COLUMNS) <= {name.strip() for name in header}


def read_phl_filings(path: Path) -> Ingested:
    """Every case in a filings file, the rows refused (with line, column, reason) and counts.

    Raises:
        InputFormatError: the file is not this format at all (binary, empty, other columns).
    """
    text = read_text(path, EXPECTED)
    header, rows = split_header(path, text, EXPECTED, open_quotes=True)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        found = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        raise InputFormatError(
            str(path),
            f"is not the Philadelphia filings format: its header lacks {', '.join(missing)} "
            f"(found: {found}); expected the columns {', '.join(COLUMNS)}",
        )
    refusals: list[Refusal] = []
    warnings: list[Refusal] = []
    by_case: dict[str, list[PhlRow]] = {}
    rows_read = 0
    for item in rows:
        rows_read += 1
        if isinstance(item, Refusal):
            refusals.append(item)
            continue
        parsed = parse_row(str(path), *item, header)
        if isinstance(parsed, Refusal):
            refusals.append(parsed)
            continue
        row, row_warnings = parsed
        warnings.extend(row_warnings)
        by_case.setdefault(row.case_id, []).append(row)
    cases = []
    for case_rows in by_case.values():
        accepted, refused = _consistent(str(path), case_rows)
        refusals.extend(refused)
        cases.append(_filed_case(accepted))
    refusals.sort(key=lambda r: r.line)
    return Ingested(path, tuple(cases), tuple(refusals), rows_read, tuple(warnings))


def _consistent(path: str, rows: list[PhlRow]) -> tuple[list[PhlRow], list[Refusal]]:
    """The rows that agree with the case's first row on filing date, person and top charge.

    Two things the real feed does are accepted, not refused: a defendant published under a
    second name or date of birth (a second person id that repeats a bail event already
    published for the case), and a top charge amended at a later bail event.
    """
    first = rows[0]
    refused: list[Refusal] = []
    ids = _person_ids(rows)
    accepted: list[PhlRow] = []
    for row in rows:
        problem = _disagreement(row, first, ids, accepted)
        if problem is None:
            accepted.append(row)
        else:
            column, value, reason = problem
            refused.append(Refusal(path, row.line, column, value, reason))
    return accepted, refused


def _disagreement(
    row: PhlRow, first: PhlRow, ids: list[str], accepted: list[PhlRow]
) -> tuple[str, str, str] | None:
    """(column, value, reason) when `row` disagrees with its case, else None."""
    if row.filed_at != first.filed_at:
        reason = "disagrees with the filing date on the case's first row"
        return "filing_date", row.filed_at.isoformat(), reason
    if row.person_id not in ids:
        reason = (
            "names a different person than the case's first row and repeats none of its bail events"
        )
        return "person_id", row.person_id, reason
    if _conflicting_charge(row, accepted):
        reason = (
            "disagrees with the case's top charge at the same bail event; "
            "an amended charge must come with a later bail date"
        )
        return "top_charge", row.top_charge, reason
    return None


def _person_ids(rows: list[PhlRow]) -> list[str]:
    """The first row's person id, then every id linked to it through a shared bail time."""
    ids = [rows[0].person_id]
    changed = True
    while changed:
        changed = False
        known_times = {r.bail_date for r in rows if r.person_id in ids}
        for row in rows:
            if row.person_id not in ids and row.bail_date in known_times:
                ids.append(row.person_id)
                changed = True
    return ids


def _conflicting_charge(row: PhlRow, accepted: Iterable[PhlRow]) -> bool:
    """A different top charge is an amendment only if it comes with a later bail date."""
    for earlier in accepted:
        if earlier.top_charge != row.top_charge and (
            row.bail_date is None or earlier.bail_date is None or row.bail_date <= earlier.bail_date
        ):
            return True
    return False


def _filed_case(rows: list[PhlRow]) -> FiledCase:
    """One case from its agreeing rows: person facts at filing, status and defense latest."""
    first, last = rows[0], rows[-1]
    events = sorted(
        dict.fromkeys(_event(r) for r in rows if r.has_bail_event),
        key=lambda e: (e.bail_date is None, e.bail_date or first.filed_at, e.line),
    )
    wordings = list(dict.fromkeys(r.top_charge for r in rows))
    top = wordings[-1]
    person_ids = tuple(dict.fromkeys(r.person_id for r in rows))
    case = Case(
        case_id=first.case_id,
        charges=(Charge(as_written=top),),
        filing_date=first.filed_at.date(),
        person=PersonRecord(person_id=first.person_id),
        charge_scope=ChargeScope.TOP_CHARGE_ONLY,
        stage=Stage.CHARGED,
        age=next((r.age for r in rows if r.age is not None), None),
        money_bail=money_bail_set(events),
        held=held_in_custody(events),
    )
    return FiledCase(
        case=case,
        person_id=first.person_id,
        person_link=first.person_link,
        filed_at=first.filed_at,
        age=next((r.age for r in rows if r.age is not None), None),
        zip=next((r.zip for r in rows if r.zip is not None), None),
        defense=last.defense,
        case_status=last.case_status,
        bail_events=tuple(events),
        person_ids=person_ids,
        top_charge_history=tuple(wordings[:-1]),
        lines=tuple(r.line for r in rows),
    )


def _event(row: PhlRow) -> BailEvent:
    return BailEvent(
        bail_date=row.bail_date,
        bail_type=row.bail_type,
        bail_amount=row.bail_amount,
        bail_status=row.bail_status,
        outstanding_bail_amount=row.outstanding_bail_amount,
        in_custody=row.in_custody,
        line=row.line,
    )
