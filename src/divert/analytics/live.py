"""Re-filing measures over the live case store's pseudonymous events.

The store's export (store/events_export.py) gives each case's CaseFiled event with a
person pseudonym and the filing date, which is all `measures.rearrest` needs: a re-filing
is a later filing for the same pseudonym. Two index groups: every person's first filed
case, and every person's first diverted case (the offer accepted). `as_of` is the last day
the store was observed; windows not closed by then are censored, never counted as "no".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from divert.analytics.funnel import reached
from divert.analytics.measures import Filing, Measure, first_per_person, rearrest_windows

GROUPS: Mapping[str, str] = {
    "filed": "re-filing after a person's first filed case",
    "diverted": "re-filing after a person's first diverted case (offer accepted)",
}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def filings_of(records: Iterable[Mapping[str, Any]], as_of: date) -> list[Filing]:
    """Each CaseFiled record filed on or before `as_of`, as a Filing (pseudonyms kept)."""
    out = []
    for r in records:
        if r.get("type") == "CaseFiled" and (filed := _day(r["date"])) <= as_of:
            out.append(Filing(str(r["person_id"]), str(r["case_id"]), filed))
    return out


def last_filing_day(records: Iterable[Mapping[str, Any]]) -> date | None:
    """The default `as_of`: the last day every source of filings is observed. Filings are
    what re-filing counts, and an imported feed is observed only up to its last filing,
    whenever it was imported; a store that holds a feed that ended in 2022 and cases filed
    by hand in 2026 cannot say who was re-filed on in 2023, so it is observed until the
    earliest source's last filing (later cases wait for the feed to catch up)."""
    last: dict[str, date] = {}
    for r in records:
        if r.get("type") == "CaseFiled":
            day, source = _day(r["date"]), str(r.get("source") or "")
            last[source] = max(day, last.get(source, day))
    return min(last.values()) if last else None


def live_refiling(records: Iterable[Mapping[str, Any]], as_of: date) -> dict[str, list[Measure]]:
    """Re-filing within 30/90/180/365 days for each group in GROUPS, censoring included."""
    rows = list(records)
    filings = filings_of(rows, as_of)
    diverted = reached(rows)["accepted"]
    index = {
        "filed": first_per_person(filings),
        "diverted": first_per_person(f for f in filings if f.case_id in diverted),
    }
    return {key: rearrest_windows(GROUPS[key], index[key], filings, as_of) for key in GROUPS}
