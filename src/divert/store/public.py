"""Aggregates for the public page: counts only, never a case, a person or an id.

The rows leave the store already grouped (month, age band, ZIP, decision in effect); the
service suppresses small counts before anything is shown (analytics/suppress.py).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.store.tables import CaseEventRow, CaseRow, ScreeningRow

AGE_BANDS = ((0, 17, "under 18"), (18, 24, "18–24"), (25, 34, "25–34"), (35, 44, "35–44"),
             (45, 54, "45–54"), (55, 200, "55 and over"))


@dataclass(frozen=True, slots=True)
class PublicCounts:
    by_month: Counter[tuple[str, str]]  # (YYYY-MM of filing, decision in effect)
    by_age: Counter[tuple[str, str]]  # (age band, decision in effect)
    by_zip: Counter[tuple[str, str]]  # (ZIP, decision in effect)
    vehicles: Counter[str]  # vehicle of each case whose decision in effect is divert
    rearrests: Counter[str]  # YYYY-MM of the new filing, per re-arrest on a diverted case


def age_band(age: int | None) -> str:
    if age is None:
        return "not known"
    return next((name for low, high, name in AGE_BANDS if low <= age <= high), "not known")


def public_counts(session: Session) -> PublicCounts:
    """Every count the public page shows, from the live store (not audited: no person);
    sealed records are counted nowhere."""
    rows = session.execute(
        select(CaseRow.filing_date, CaseRow.age, CaseRow.zip, CaseRow.effective_outcome,
               func.count())
        .where(CaseRow.filing_date.is_not(None), CaseRow.sealed_at.is_(None))
        .group_by(CaseRow.filing_date, CaseRow.age, CaseRow.zip, CaseRow.effective_outcome))
    by_month: Counter[tuple[str, str]] = Counter()
    by_age: Counter[tuple[str, str]] = Counter()
    by_zip: Counter[tuple[str, str]] = Counter()
    for filed, age, zip_code, outcome, n in rows:
        shown = outcome or "not screened"
        by_month[(filed.strftime("%Y-%m") if filed else "not known", shown)] += n
        by_age[(age_band(age), shown)] += n
        by_zip[(zip_code or "not known", shown)] += n
    latest = (select(ScreeningRow.case_id, func.max(ScreeningRow.id).label("id"))
              .group_by(ScreeningRow.case_id).subquery())
    vehicles: Counter[str] = Counter()
    for (decision,) in session.execute(
            select(ScreeningRow.decision_json).join(latest, latest.c.id == ScreeningRow.id)
            .join(CaseRow, CaseRow.id == ScreeningRow.case_id)
            .where(CaseRow.effective_outcome == "divert", ScreeningRow.outcome == "divert",
                   CaseRow.sealed_at.is_(None))):
        vehicles[json.loads(decision).get("vehicle") or "not named"] += 1
    rearrests: Counter[str] = Counter()
    for (payload,) in session.execute(
            select(CaseEventRow.payload).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
            .where(CaseEventRow.kind == "ReArrestRecorded", CaseRow.sealed_at.is_(None))):
        rearrests[str(json.loads(payload).get("filing_date", ""))[:7] or "not known"] += 1
    return PublicCounts(by_month, by_age, by_zip, vehicles, rearrests)
