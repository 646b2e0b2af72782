"""Policy impact: a candidate and a baseline applied to the same past cases, case by case.

The result says how many cases and people change outcome, in which direction, which rule
made the difference, month by month, and what bail and custody the changed cases carried.
Uncertain consequences (capacity, listings, re-arrests) are in montecarlo.py.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path

from divert.analytics.filings import FilingRow
from divert.policy.explain import Decision
from divert.policy.outcome_diff import compare, side

DIVERT = "divert"


@dataclass(frozen=True, slots=True)
class CaseDiff:
    """One case under both policies: the row of the diff CSV."""

    case_id: str
    person_id: str
    filed: str
    top_charge: str
    category: str
    baseline: str
    candidate: str
    direction: str  # "unchanged" or "<baseline> → <candidate>"
    baseline_because: str
    candidate_because: str
    bail_type: str
    bail_amount: str
    held: bool
    held_for_money: bool = False  # money bail not posted at the last bail event
    unknowns: str = ""  # facts either policy needed and the data did not give

    @property
    def changed(self) -> bool:
        return self.baseline != self.candidate

    @property
    def newly_diverted(self) -> bool:
        return self.candidate == DIVERT and self.baseline != DIVERT


@dataclass(frozen=True, slots=True)
class MonthVolume:
    month: str
    cases: int
    baseline_diverted: int
    candidate_diverted: int
    newly_diverted: int
    people_newly_diverted: int
    full_month: bool  # False for a month the data covers only in part


@dataclass(frozen=True, slots=True)
class BailSummary:
    """Bail and custody on a set of cases (here: the cases the candidate newly diverts)."""

    cases: int
    people: int
    by_type: dict[str, int]
    monetary: int
    median_monetary_amount: float | None
    total_monetary_amount: float
    held: int
    people_held: int
    held_for_money: int  # money bail not posted at the last bail event


def diff_cases(
    rows: Sequence[FilingRow], baseline: Mapping[str, Decision], candidate: Mapping[str, Decision]
) -> list[CaseDiff]:
    """Every case with both outcomes; a case missing from either side is an error, not skipped."""
    ids = [r.case_id for r in rows]
    try:  # the outcome diff of `divert policy diff`, with the filing's facts beside it
        changes = compare(ids, {r.case_id: r.person_id for r in rows},
                          {k: side(d) for k, d in baseline.items()},
                          {k: side(d) for k, d in candidate.items()})
    except ValueError:
        missing = [i for i in ids if i not in baseline or i not in candidate]
        raise ValueError(f"{len(missing)} cases lack a decision (first: {missing[0]})") from None
    out = []
    for r, change in zip(rows, changes, strict=True):
        c = candidate[r.case_id]
        cat = (c.charges[0].category if c.charges else None) or "unread"
        out.append(CaseDiff(
            r.case_id, r.person_id, r.filed.isoformat(), r.top_charge, cat,
            change.old.outcome, change.new.outcome, change.direction, change.old.because,
            change.new.because, r.bail_type or "", "" if r.bail_amount is None
            else f"{r.bail_amount:.0f}", r.held, r.held_for_money,
            " ".join(sorted({*change.old.unknowns, *change.new.unknowns})),
        ))
    return out


def directions(diffs: Sequence[CaseDiff]) -> Counter[str]:
    """Cases per change of outcome, e.g. {'prosecute → divert': 480}."""
    return Counter(d.direction for d in diffs if d.changed)


def deciding_rules(diffs: Sequence[CaseDiff]) -> Counter[tuple[str, str, str]]:
    """Changed cases by (direction, baseline rule(s), candidate rule(s)) that decided them."""
    return Counter(
        (d.direction, d.baseline_because or "(default)", d.candidate_because or "(default)")
        for d in diffs if d.changed
    )


def monthly(diffs: Sequence[CaseDiff], rows: Sequence[FilingRow]) -> list[MonthVolume]:
    """Volumes per calendar month; the first and last months are flagged when partial."""
    filed = {r.case_id: r.filed for r in rows}
    first, last = min(filed.values()), max(filed.values())
    by_month: dict[str, list[CaseDiff]] = defaultdict(list)
    for d in diffs:
        by_month[d.filed[:7]].append(d)
    out = []
    for month in sorted(by_month):
        ds = by_month[month]
        partial_start = month == f"{first:%Y-%m}" and first.day > 1
        partial_end = month == f"{last:%Y-%m}" and (last + timedelta(days=1)).month == last.month
        full = not (partial_start or partial_end)
        out.append(MonthVolume(
            month, len(ds), sum(d.baseline == DIVERT for d in ds),
            sum(d.candidate == DIVERT for d in ds), sum(d.newly_diverted for d in ds),
            len({d.person_id for d in ds if d.newly_diverted}), full,
        ))
    return out


def per_full_month(volumes: Sequence[MonthVolume], attr: str) -> float:
    """Mean of one volume over the months the data covers in full."""
    values = [getattr(v, attr) for v in volumes if v.full_month]
    return float(statistics.fmean(values)) if values else 0.0


def bail_summary(diffs: Sequence[CaseDiff]) -> BailSummary:
    """Bail type, amounts and custody on the given cases."""
    amounts = [float(d.bail_amount) for d in diffs if d.bail_type == "Monetary" and d.bail_amount]
    return BailSummary(
        cases=len(diffs),
        people=len({d.person_id for d in diffs}),
        by_type=dict(sorted(Counter(d.bail_type or "none recorded" for d in diffs).items())),
        monetary=sum(d.bail_type == "Monetary" for d in diffs),
        median_monetary_amount=statistics.median(amounts) if amounts else None,
        total_monetary_amount=sum(amounts),
        held=sum(d.held for d in diffs),
        people_held=len({d.person_id for d in diffs if d.held}),
        held_for_money=sum(d.held_for_money for d in diffs),
    )


def write_diff_csv(diffs: Sequence[CaseDiff], path: Path) -> None:
    """The case-level diff a reader can open in a spreadsheet (pseudonymous ids only)."""
    names = [f.name for f in fields(CaseDiff)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(names)
        for d in diffs:
            w.writerow([getattr(d, n) for n in names])
