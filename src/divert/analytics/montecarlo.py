"""Ranges, not single numbers: the simulation's consequences under uncertain assumptions.

Each draw takes every assumption from a triangular distribution (low, default, high from
assumptions.yaml) and the measured re-filing rate from its Jeffreys posterior
(Beta(k + ½, n − k + ½)), then computes capacity, the waiting list, listings avoided and
re-filings. The generator is seeded from the assumptions file, so the same inputs always
give the same ranges. A one-at-a-time sweep shows which assumption moves a result most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from divert.analytics.assumptions import Assumptions
from divert.analytics.capacity import waiting_list

HORIZON_MONTHS = 24  # long enough for a 12-month program to reach steady state


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the data gave the simulation, per full month, and the measured re-filing rate."""

    referrals_per_month: float  # cases the candidate diverts (all of them need a referral)
    # diverted under the candidate but not the baseline policy; the formulas take away the
    # share today's practice already diverts (assumption todays_diversion_share)
    newly_diverted_per_month: float
    people_newly_diverted_per_month: float
    refiled: int  # re-filing within `window_days` among the newly diverted (closed windows)
    followed: int
    window_days: int


@dataclass(frozen=True, slots=True)
class Range:
    name: str
    unit: str
    at_defaults: float  # every assumption at its default, the measured rate as measured
    median: float
    p5: float
    p95: float


Formula = Callable[[Mapping[str, float], float, Inputs], float]


def _consequence(key: str) -> Formula:
    def formula(p: Mapping[str, float], rate: float, x: Inputs) -> float:
        from divert.analytics.consequences import REFILING_RATE, per_month

        return per_month({**p, REFILING_RATE: rate}, x)[key]
    return formula


def _waiting(p: Mapping[str, float], _rate: float, x: Inputs) -> float:
    new = x.people_newly_diverted_per_month * (1.0 - p["todays_diversion_share"])
    arrivals = [new * p["engagement_rate"]] * HORIZON_MONTHS
    return waiting_list(arrivals, p["provider_slots"], p["program_months"])[-1].waiting


# The formulas themselves are in consequences.py, shared with the report.
FORMULAS: dict[str, tuple[str, Formula]] = {
    "slots needed (people in treatment at once)": ("people", _consequence("treatment_places")),
    f"waiting list after {HORIZON_MONTHS} months": ("people", _waiting),
    "court listings avoided per month": ("listings", _consequence("listings_avoided")),
    "re-filings per month's newly diverted people": ("people", _consequence("refilings")),
    "change in those re-filings vs prosecution": ("people", _consequence("refilings_change")),
}


def _draw(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    if low == high:
        return np.full(n, mode)
    return rng.triangular(low, mode, high, n)


def simulate_ranges(inputs: Inputs, assumptions: Assumptions) -> list[Range]:
    """Median and 5th–95th percentiles of every consequence over the Monte Carlo draws."""
    n = assumptions.draws
    rng = np.random.Generator(np.random.PCG64(assumptions.seed))
    params = sorted(assumptions.parameters.items())
    draws = {name: _draw(rng, a.low, a.default, a.high, n) for name, a in params}
    k, m = inputs.refiled, inputs.followed
    rates = rng.beta(k + 0.5, m - k + 0.5, n) if m else np.zeros(n)
    point_rate = k / m if m else 0.0
    out = []
    for name, (unit, formula) in FORMULAS.items():
        values = np.array(
            [formula({p: float(v[i]) for p, v in draws.items()}, float(rates[i]), inputs)
             for i in range(n)]
        )
        at_defaults = formula(assumptions.defaults(), point_rate, inputs)
        p5, med, p95 = (float(q) for q in np.percentile(values, [5, 50, 95]))
        out.append(Range(name, unit, float(at_defaults), med, p5, p95))
    return out


@dataclass(frozen=True, slots=True)
class Sensitivity:
    result: str
    parameter: str
    at_low: float
    at_high: float


def sweep(inputs: Inputs, assumptions: Assumptions, result: str) -> list[Sensitivity]:
    """One assumption at a time at its low and high, the others at their defaults."""
    _unit, formula = FORMULAS[result]
    rate = inputs.refiled / inputs.followed if inputs.followed else 0.0
    out = []
    for name, a in sorted(assumptions.parameters.items()):
        lo = formula({**assumptions.defaults(), name: a.low}, rate, inputs)
        hi = formula({**assumptions.defaults(), name: a.high}, rate, inputs)
        if lo != hi:
            out.append(Sensitivity(result, name, float(lo), float(hi)))
    return sorted(out, key=lambda s: -abs(s.at_high - s.at_low))
