"""Kaplan–Meier curves of time to a new filing, with confidence bands (lifelines).

Unlike the fixed-window rates, the curve uses every index case: a person whose follow-up
ends at the data's end date without a new filing is censored there, not counted as a
success, so the curve stays honest where the windows cannot close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lifelines import KaplanMeierFitter

from divert.analytics.measures import Filing, next_filing_days


@dataclass(frozen=True, slots=True)
class CurvePoint:
    day: int
    cumulative: float  # share with a new filing by this day (1 - survival)
    low: float
    high: float
    at_risk: int


@dataclass(frozen=True, slots=True)
class Curve:
    """A cumulative re-filing curve for one group, with its counts."""

    group: str
    points: tuple[CurvePoint, ...]
    n: int
    events: int
    end: date

    def at(self, day: int) -> CurvePoint | None:
        """The curve's value on `day` (a step function), or None past the last follow-up."""
        if not self.points or day > self.points[-1].day:
            return None
        best = self.points[0]
        for p in self.points:
            if p.day > day:
                break
            best = p
        return best


def durations(
    index: Sequence[Filing], filings: Sequence[Filing], data_end: date
) -> tuple[list[int], list[bool]]:
    """Days followed and whether a new filing ended the follow-up, per index case."""
    gaps = next_filing_days(index, filings)
    days: list[int] = []
    observed: list[bool] = []
    for i in index:
        gap = gaps[i.case_id]
        if gap is not None and i.filed.toordinal() + gap <= data_end.toordinal():
            days.append(gap)
            observed.append(True)
        else:
            days.append((data_end - i.filed).days)
            observed.append(False)
    return days, observed


def kaplan_meier(
    group: str, index: Sequence[Filing], filings: Sequence[Filing], data_end: date
) -> Curve:
    """The Kaplan–Meier cumulative re-filing curve with 95% (exponential Greenwood) bands."""
    if not index:
        return Curve(group, (), 0, 0, data_end)
    days, observed = durations(index, filings, data_end)
    kmf = KaplanMeierFitter(alpha=0.05)
    kmf.fit(days, event_observed=observed, label=group)
    sf = kmf.survival_function_[group]
    ci = kmf.confidence_interval_survival_function_
    table = kmf.event_table
    points = []
    for t in sf.index:
        points.append(
            CurvePoint(
                day=int(t),
                cumulative=round(1.0 - float(sf.loc[t]), 6),
                low=round(1.0 - float(ci.loc[t].iloc[1]), 6),
                high=round(1.0 - float(ci.loc[t].iloc[0]), 6),
                at_risk=int(table.loc[t, "at_risk"]),
            )
        )
    return Curve(group, tuple(points), len(index), sum(observed), data_end)
