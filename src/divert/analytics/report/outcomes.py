"""The report's outcome sections: re-filing after possession vs PWID, disparity, city figures.

Each function takes the case table and the baseline decisions (for the catalog category
the engine read from each top charge) and returns values; nothing here formats text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from divert.analytics.compare import Comparison, compare
from divert.analytics.disparity import (
    AGE_BANDS,
    UNKNOWN,
    GroupRate,
    age_band,
    rates_by_group,
)
from divert.analytics.filings import CaseTable, FilingRow
from divert.analytics.measures import (
    Filing,
    Measure,
    first_per_person,
    next_filing_days,
    proportion,
    rearrest,
)
from divert.analytics.report.settings import Group, ReportSettings
from divert.analytics.screening import category_of
from divert.analytics.suppress import THRESHOLD
from divert.analytics.survival import Curve, kaplan_meier
from divert.policy.explain import Decision


@dataclass(frozen=True, slots=True)
class Refiling:
    """Re-filing after the first case of each person in a group, by window, and its curve."""

    group: Group
    measures: tuple[Measure, ...]
    curve: Curve


def in_group(rows: Sequence[FilingRow], decisions: Mapping[str, Decision], group: Group
             ) -> list[FilingRow]:
    return [r for r in rows if category_of(decisions[r.case_id]) in group.categories]


def refiling(table: CaseTable, decisions: Mapping[str, Decision], group: Group,
             windows: Sequence[int]) -> Refiling:
    """Each person's first case in the group is the index; any later filing counts."""
    index = first_per_person(r.filing for r in in_group(table.rows, decisions, group))
    everything = table.filings()
    name = f"re-filing after {group.label}"
    measures = tuple(rearrest(name, index, everything, w, table.end) for w in windows)
    return Refiling(group, measures, kaplan_meier(group.label, index, everything, table.end))


def comparisons(a: Refiling, b: Refiling) -> list[Comparison]:
    """a vs b for every window both can measure."""
    return [compare(x, y) for x, y in zip(a.measures, b.measures, strict=True)
            if x.denominator and y.denominator]


def day_reaching(curve: Curve, share: float) -> int | None:
    """First day the cumulative re-filing curve reaches `share`, if it does within follow-up."""
    return next((p.day for p in curve.points if p.cumulative >= share), None)


def diversion_share(table: CaseTable, candidate: Mapping[str, Decision],
                    baseline: Mapping[str, Decision], group: Group) -> tuple[Measure, Measure]:
    """Share of the group's cases diverted under the candidate and under the baseline."""
    rows = in_group(table.rows, baseline, group)
    cand = sum(candidate[r.case_id].outcome.value == "divert" for r in rows)
    base = sum(baseline[r.case_id].outcome.value == "divert" for r in rows)
    name = f"cases diverted among {group.label} cases"
    return (proportion(f"{name} (candidate)", cand, len(rows), table.start, table.end),
            proportion(f"{name} (baseline)", base, len(rows), table.start, table.end))


def disparity(table: CaseTable, candidate: Mapping[str, Decision],
              settings: ReportSettings) -> dict[str, list[GroupRate]]:
    """Diversion under the candidate by age band and ZIP (all cases), and 30-day re-filing
    after simple possession by age band (closed windows only)."""
    rows = table.rows
    diverted = {r.case_id: candidate[r.case_id].outcome.value == "divert" for r in rows}
    order = [label for _, _, label in AGE_BANDS] + [UNKNOWN]
    out = {
        "Diverted under the proposal, by age band": rates_by_group(
            "diverted", ((age_band(r.age), diverted[r.case_id]) for r in rows),
            table.start, table.end, order=order),
        "Diverted under the proposal, by ZIP of residence": rates_by_group(
            "diverted", ((r.zip or UNKNOWN, diverted[r.case_id]) for r in rows),
            table.start, table.end, pool_below=THRESHOLD),
    }
    sp = settings.groups["simple_possession"]
    window = settings.simulation_window
    index = first_per_person(r.filing for r in in_group(rows, candidate, sp))
    closed = [i for i in index if (table.end - i.filed).days >= window]
    nxt = _refiled_within(closed, table.filings(), window)
    age = {r.case_id: age_band(r.age) for r in rows}
    out[f"Re-filing within {window} days after {sp.label}, by age band"] = rates_by_group(
        f"re-filed within {window} days", ((age[i.case_id], nxt[i.case_id]) for i in closed),
        table.start, table.end, order=order)
    return out


def _refiled_within(index: Sequence[Filing], filings: Sequence[Filing], window: int
                    ) -> dict[str, bool]:
    gaps = next_filing_days(index, filings)
    return {i.case_id: (g := gaps[i.case_id]) is not None and g <= window for i in index}
