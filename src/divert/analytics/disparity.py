"""Disparity: a decision or outcome rate by group, against a reference group, with intervals.

Groups are whatever the data set has. The Philadelphia filings have age and ZIP only: no
race, no sex, no ethnicity. The report says so and never infers them (e.g. from names or
ZIP), because an inferred race would be presented as a fact about real people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from divert.analytics.compare import Comparison, compare
from divert.analytics.funnel import STEPS, reached
from divert.analytics.measures import Measure, proportion

AGE_BANDS = ((0, 17, "under 18"), (18, 24, "18–24"), (25, 34, "25–34"), (35, 44, "35–44"),
             (45, 54, "45–54"), (55, 200, "55 and over"))
UNKNOWN = "not recorded"
OTHER = "all others (each too small to show alone)"
ABSENT_IN_PHL = ("race", "ethnicity", "sex")


def age_band(age: int | None) -> str:
    """The age band label for an age; unknown ages stay their own group.

    >>> age_band(24), age_band(25), age_band(None)
    ('18–24', '25–34', 'not recorded')
    """
    if age is None:
        return UNKNOWN
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN


@dataclass(frozen=True, slots=True)
class GroupRate:
    group: str
    measure: Measure
    vs_reference: Comparison | None  # None for the reference group itself


def rates_by_group(
    name: str,
    items: Iterable[tuple[str, bool]],
    start: date,
    end: date,
    reference: str | None = None,
    order: Iterable[str] = (),
    pool_below: int = 0,
) -> list[GroupRate]:
    """Rate of `True` per group, each compared with the reference (default: the largest
    named group — never the pooled 'other' or 'not recorded' rows).

    With `pool_below`, groups with fewer hits than that are pooled into one 'other' group
    (so that many small ZIPs become one readable row instead of many hidden ones).
    """
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for group, hit in items:
        totals[group] += 1
        hits[group] += int(hit)
    if pool_below:
        small = [g for g in totals if hits[g] < pool_below and g != UNKNOWN]
        for g in small:
            totals[OTHER] += totals.pop(g)
            hits[OTHER] += hits.pop(g)
    if not totals:
        return []
    named = [g for g in sorted(totals) if g not in (OTHER, UNKNOWN)] or sorted(totals)
    ref = reference or max(named, key=lambda g: totals[g])
    if ref not in totals:
        raise ValueError(f"reference group {ref!r} has no cases; groups are {sorted(totals)}")
    ranked = [g for g in order if g in totals] + sorted(
        g for g in totals if g not in set(order) and g != OTHER
    ) + ([OTHER] if OTHER in totals else [])
    measures = {g: proportion(f"{name} — {g}", hits[g], totals[g], start, end) for g in ranked}
    return [
        GroupRate(g, measures[g], None if g == ref else compare(measures[g], measures[ref]))
        for g in ranked
    ]


def by_funnel_step(
    events: Iterable[Mapping[str, Any]],
    group_of: Mapping[str, str],
    start: date,
    end: date,
    recorded: Iterable[str] = STEPS,
) -> dict[str, list[GroupRate]]:
    """At each recorded step, the share of a group's cases that reached it from the step
    before (first step: among every case in `group_of`), compared across groups.

    Cases with events but no group are counted under 'not recorded', never dropped.
    """
    got = reached(events)
    steps = [s for s in STEPS if s in set(recorded)]
    everyone = set(group_of) | set().union(*got.values())
    out: dict[str, list[GroupRate]] = {}
    before: set[str] = everyone
    for step in steps:
        label = f"{step} (of {'all cases' if before is everyone else 'the step before'})"
        out[label] = rates_by_group(
            f"reached {step}",
            ((group_of.get(c, UNKNOWN), c in got[step]) for c in sorted(before)),
            start, end,
        )
        before = got[step]
    return out
