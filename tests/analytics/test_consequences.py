"""The monthly consequences: one formula each, ranges over the assumptions' ends, tornado."""

from __future__ import annotations

from datetime import date

import pytest

from divert.analytics.consequences import Bounds, extremes, per_month, tornado
from divert.analytics.drift import overall, pwid_share_by_month
from divert.analytics.montecarlo import Inputs
from divert.analytics.report.figures import fmt

X = Inputs(referrals_per_month=100, newly_diverted_per_month=100,
           people_newly_diverted_per_month=80, refiled=10, followed=100, window_days=90)
BOUNDS = [
    Bounds("todays_diversion_share", 0.28, 0.28, 0.39),
    Bounds("engagement_rate", 0.3, 0.5, 0.7),
    Bounds("program_months", 1.25, 6, 12),
    Bounds("court_listings_per_case", 2, 3, 5),
    Bounds("rearrest_effect", 0.7, 1.0, 1.1),
    Bounds("refiling_rate", 0.05, 0.1, 0.18),
    Bounds("cost_treatment_place_month", 500, 1000, 2500),
    Bounds("staff_hours_per_case", 2, 4, 8),
    Bounds("cost_staff_hour", 40, 60, 90),
    Bounds("cost_court_listing", 150, 300, 600),
    Bounds("cost_jail_bed_day", 115, 137, 164),
]


def _defaults() -> dict[str, float]:
    return {b.name: b.default for b in BOUNDS}


def test_newly_diverted_is_the_policy_count_less_todays_share() -> None:
    at = per_month(_defaults(), X)
    assert at["cases_newly_diverted"] == pytest.approx(72.0)
    assert at["already_diverted_today"] == pytest.approx(28.0)
    assert at["people_newly_diverted"] == pytest.approx(80 * 0.72)
    # people who do not engage go back to prosecution and keep their listings
    assert at["not_engaged"] == pytest.approx(80 * 0.72 * 0.5)
    assert at["listings_avoided"] == pytest.approx(72 * 0.5 * 3)
    assert at["net_cost"] == pytest.approx(
        at["cost_treatment"] + at["cost_staff"] - at["saving_listings"] - at["saving_jail"])


def test_ranges_are_the_extremes_over_the_assumptions_ends() -> None:
    ext = extremes(BOUNDS, X)
    low, high = ext["treatment_places"]
    assert low == pytest.approx(80 * 0.61 * 0.3 * 1.25)
    assert high == pytest.approx(80 * 0.72 * 0.7 * 12)
    at = per_month(_defaults(), X)
    for key, (lo, hi) in ext.items():
        assert lo <= at[key] <= hi, key


def test_the_tornado_leaves_out_assumptions_that_do_not_move_a_result_widest_first() -> None:
    swings = tornado(BOUNDS, X, "cases_newly_diverted")
    assert [s.parameter for s in swings] == ["todays_diversion_share"]
    assert (swings[0].at_low, swings[0].at_high) == pytest.approx((72, 61))
    places = [s.parameter for s in tornado(BOUNDS, X, "treatment_places")]
    assert places == ["program_months", "engagement_rate", "todays_diversion_share"]


def test_figures_print_as_a_reader_wants_them() -> None:
    assert fmt(0.0347, "share") == "3.5%"
    assert fmt(0.72, "share") == "72%"
    assert fmt(168_709, "dollars") == "$169,000"
    assert fmt(-114_200, "dollars") == "−$114,000"
    assert fmt(60.6, "cases") == "61" and fmt(3.94, "people") == "3.9" and fmt(0, "cases") == "0"


def test_charging_drift_pools_only_full_months_for_its_baseline() -> None:
    rows = [(date(2021, 8, 30), "pwid"), (date(2021, 8, 31), "pwid"),
            (date(2021, 9, 1), "pwid"), (date(2021, 9, 2), "poss"), (date(2021, 9, 3), "poss"),
            (date(2021, 9, 4), "theft")]
    months = pwid_share_by_month(rows, frozenset({"pwid"}), frozenset({"pwid", "poss"}),
                                 frozenset({"2021-09"}))
    assert [(m.month, m.share.numerator, m.share.denominator, m.full_month) for m in months] \
        == [("2021-08", 2, 2, False), ("2021-09", 1, 3, True)]
    base = overall(months)
    assert (base.numerator, base.denominator) == (1, 3)
    with pytest.raises(ValueError, match="no full month"):
        overall(months[:1])
