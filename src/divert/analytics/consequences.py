"""What a policy would change each month, as one formula per consequence of the assumptions.

The report, its cost table, its tornado chart and `divert simulate` all read these
formulas, so a figure has one definition wherever it is printed. The inputs are what the
data measured (montecarlo.Inputs); everything else is an assumption from assumptions.yaml.
"Newly" always means beyond today's practice: the baseline policy diverts nobody, but
today's ADAs divert a share of possession cases at their discretion (assumption
`todays_diversion_share`), and the data do not say which ones.

Ranges are the lowest and highest a consequence takes over every combination of the
assumptions' low and high ends (each formula is monotone in each assumption, so the
corners hold its extremes); the tornado moves one assumption at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from divert.analytics.capacity import slots_needed

if TYPE_CHECKING:  # montecarlo reads these formulas; Inputs is only a type here
    from divert.analytics.montecarlo import Inputs

REFILING_RATE = "refiling_rate"  # the measured rate, ranged over its 95% interval

# Every consequence, in the order the report lists them: key -> (plain words, unit).
CONSEQUENCES: dict[str, tuple[str, str]] = {
    "cases_newly_diverted": ("cases newly diverted a month", "cases"),
    "people_newly_diverted": ("people newly diverted a month", "people"),
    "already_diverted_today": (
        "of the proposal's diversions, cases today's practice already diverts, a month", "cases"),
    "treatment_places": ("extra treatment places needed at once", "places"),
    "not_engaged": ("people a month who do not engage and return to prosecution", "people"),
    "listings_avoided": ("court listings avoided a month", "listings"),
    "bed_days_avoided": ("jail bed-days avoided a month", "bed-days"),
    "refilings": ("new filings within the window among a month's newly diverted people",
                  "people"),
    "refilings_change": ("change in those new filings against prosecuting them", "people"),
    "cost_treatment": ("treatment places", "dollars a month"),
    "cost_staff": ("staff time", "dollars a month"),
    "saving_listings": ("court listings", "dollars a month"),
    "saving_jail": ("jail bed-days", "dollars a month"),
    "net_cost": ("net cost a month (costs minus savings)", "dollars a month"),
}
COSTS = ("cost_treatment", "cost_staff")
SAVINGS = ("saving_listings", "saving_jail")


def per_month(p: Mapping[str, float], x: Inputs) -> dict[str, float]:
    """Every consequence for one value of each assumption (`p`, with the re-filing rate).

    >>> from divert.analytics.montecarlo import Inputs
    >>> x = Inputs(100, 100, 100, refiled=1, followed=10, window_days=90)
    >>> p = {"todays_diversion_share": 0.25, "engagement_rate": 0.5, "program_months": 6,
    ...      "court_listings_per_case": 3, "rearrest_effect": 1.0, "refiling_rate": 0.1,
    ...      "cost_treatment_place_month": 1000, "staff_hours_per_case": 4,
    ...      "cost_staff_hour": 50, "cost_court_listing": 200, "cost_jail_bed_day": 150}
    >>> r = per_month(p, x)
    >>> r["cases_newly_diverted"], r["treatment_places"], r["listings_avoided"]
    (75.0, 225.0, 112.5)
    >>> r["net_cost"] == 225 * 1000 + 75 * 4 * 50 - 112.5 * 200
    True
    """
    share = p["todays_diversion_share"]
    cases = x.newly_diverted_per_month * (1.0 - share)
    people = x.people_newly_diverted_per_month * (1.0 - share)
    engaged = p["engagement_rate"]
    places = slots_needed(people, engaged, p["program_months"])
    listings = cases * engaged * p["court_listings_per_case"]  # the others are prosecuted
    # Custody on the diverted cases is recorded, but not for how long: with none held there
    # is nothing to avoid; with some, the report says the figure is not measurable.
    bed_days = 0.0
    refilings = people * p[REFILING_RATE]
    out = {
        "cases_newly_diverted": cases,
        "people_newly_diverted": people,
        "already_diverted_today": x.newly_diverted_per_month * share,
        "treatment_places": places,
        "not_engaged": people * (1.0 - engaged),
        "listings_avoided": listings,
        "bed_days_avoided": bed_days,
        "refilings": refilings * p["rearrest_effect"],
        "refilings_change": refilings * (p["rearrest_effect"] - 1.0),
        "cost_treatment": places * p["cost_treatment_place_month"],
        "cost_staff": cases * p["staff_hours_per_case"] * p["cost_staff_hour"],
        "saving_listings": listings * p["cost_court_listing"],
        "saving_jail": bed_days * p["cost_jail_bed_day"],
    }
    out["net_cost"] = sum(out[k] for k in COSTS) - sum(out[k] for k in SAVINGS)
    return out


@dataclass(frozen=True, slots=True)
class Bounds:
    """A parameter's low, default and high: an assumption, or the measured rate's interval."""

    name: str
    low: float
    default: float
    high: float


@dataclass(frozen=True, slots=True)
class Swing:
    """One assumption moved from its low to its high end, the others at their defaults."""

    parameter: str
    at_low: float
    at_high: float

    @property
    def width(self) -> float:
        return abs(self.at_high - self.at_low)


def _defaults(bounds: Sequence[Bounds]) -> dict[str, float]:
    return {b.name: b.default for b in bounds}


def at_defaults(bounds: Sequence[Bounds], x: Inputs) -> dict[str, float]:
    return per_month(_defaults(bounds), x)


def extremes(bounds: Sequence[Bounds], x: Inputs) -> dict[str, tuple[float, float]]:
    """Each consequence's lowest and highest value over all corners of the ranges."""
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for corner in itertools.product(*((b.low, b.high) for b in bounds)):
        values = per_month({b.name: v for b, v in zip(bounds, corner, strict=True)}, x)
        for key, v in values.items():
            lows[key] = min(lows.get(key, v), v)
            highs[key] = max(highs.get(key, v), v)
    return {k: (lows[k], highs[k]) for k in lows}


def tornado(bounds: Sequence[Bounds], x: Inputs, key: str) -> list[Swing]:
    """How far each parameter alone moves one consequence, widest first; none that do not."""
    base = _defaults(bounds)
    out = []
    for b in bounds:
        lo = per_month({**base, b.name: b.low}, x)[key]
        hi = per_month({**base, b.name: b.high}, x)[key]
        if lo != hi:
            out.append(Swing(b.name, lo, hi))
    return sorted(out, key=lambda s: (-s.width, s.parameter))
