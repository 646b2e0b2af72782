"""Rates by group against a reference group, and pooled small groups."""

from __future__ import annotations

from datetime import date

import pytest

from divert.analytics.compare import compare
from divert.analytics.disparity import OTHER, UNKNOWN, age_band, rates_by_group
from divert.analytics.measures import proportion

D0, D1 = date(2022, 1, 1), date(2022, 1, 31)


def test_group_rates_are_compared_with_the_largest_group_by_default() -> None:
    items = [("young", True)] * 10 + [("young", False)] * 30 + [("old", True)] * 10 + [
        ("old", False)
    ] * 70
    rows = rates_by_group("diverted", items, D0, D1, order=["young", "old"])
    assert [r.group for r in rows] == ["young", "old"]
    young, old = rows
    assert old.vs_reference is None
    assert young.vs_reference is not None
    assert young.vs_reference.ratio == pytest.approx((10 / 40) / (10 / 80))
    assert (young.measure.numerator, young.measure.denominator) == (10, 40)


def test_age_bands_split_on_birthdays_that_matter() -> None:
    assert [age_band(a) for a in (17, 18, 24, 25, 54, 55)] == [
        "under 18", "18–24", "18–24", "25–34", "45–54", "55 and over",
    ]


def test_small_groups_are_pooled_not_dropped_and_never_the_reference() -> None:
    items = ([("19134", True)] * 12 + [("19134", False)] * 30 + [("19103", True)] * 3
             + [("19104", True)] * 2 + [("19104", False)] * 60 + [(UNKNOWN, False)] * 5)
    rows = rates_by_group("diverted", items, D0, D1, pool_below=11)
    assert [(r.group, r.measure.numerator, r.measure.denominator) for r in rows] == [
        ("19134", 12, 42), (UNKNOWN, 0, 5), (OTHER, 5, 65),
    ]
    assert rows[0].vs_reference is None  # the largest named group, not the pooled one


def test_comparing_different_windows_is_refused() -> None:
    a = proportion("a", 1, 10, D0, D1, window_days=30)
    b = proportion("b", 1, 10, D0, D1, window_days=90)
    with pytest.raises(ValueError, match="windows differ"):
        compare(a, b)


def test_a_zero_cell_still_gives_an_interval() -> None:
    c = compare(proportion("a", 0, 20, D0, D1), proportion("b", 5, 20, D0, D1))
    assert c.ratio is not None and c.ratio_low is not None and c.ratio_high is not None
    assert c.ratio_low < c.ratio < c.ratio_high


def test_each_funnel_step_is_compared_across_groups_among_those_at_the_step_before() -> None:
    from divert.analytics.disparity import by_funnel_step

    events = [{"case_id": c, "type": "Screened", "outcome": "divert"} for c in "abcdef"]
    events += [{"case_id": c, "type": "OfferMade"} for c in "abd"]
    groups = {"a": "young", "b": "young", "c": "young", "d": "old", "e": "old", "f": "old",
              "g": "old"}
    steps = by_funnel_step(events, groups, D0, D1, recorded=["eligible", "offered"])
    eligible, offered = steps.values()
    assert [(g.group, g.measure.numerator, g.measure.denominator) for g in eligible] == [
        ("old", 3, 4), ("young", 3, 3),
    ]
    # offered among the eligible: young 2 of 3, old 1 of 3
    assert [(g.group, g.measure.numerator, g.measure.denominator) for g in offered] == [
        ("old", 1, 3), ("young", 2, 3),
    ]
    assert list(steps) == ["eligible (of all cases)", "offered (of the step before)"]
