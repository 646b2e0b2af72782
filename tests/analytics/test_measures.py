"""Re-arrest windows and survival on a tiny table computed by hand, censoring included."""

from __future__ import annotations

from datetime import date

import pytest

from divert.analytics.measures import Filing, first_per_person, rearrest, wilson
from divert.analytics.survival import kaplan_meier

END = date(2022, 3, 31)

# person, case, filed.  Index cases are the first case of each person (A1, B1, C1, D1, E1).
TABLE = [
    Filing("A", "A1", date(2022, 1, 1)), Filing("A", "A2", date(2022, 1, 20)),   # 19 days
    Filing("B", "B1", date(2022, 1, 1)),                                            # none
    Filing("C", "C1", date(2022, 3, 15)), Filing("C", "C2", date(2022, 3, 20)),   # 5 days
    Filing("D", "D1", date(2021, 12, 1)), Filing("D", "D0", date(2021, 12, 1)),   # same day
    Filing("D", "D2", date(2022, 2, 1)),                                            # 62 days
    Filing("E", "E1", date(2021, 12, 20)), Filing("E", "E2", date(2022, 1, 18)),  # 29 days
]
INDEX = [f for f in TABLE if f.case_id.endswith("1")]


def test_30_day_rate_leaves_out_the_case_whose_window_has_not_closed() -> None:
    m = rearrest("re-filing", INDEX, TABLE, 30, END)
    # C1's window ends 2022-04-14, after the data ends: out, though its re-filing was seen.
    assert (m.numerator, m.denominator, m.censored) == (2, 4, 1)
    assert m.rate == 0.5


def test_90_day_rate_counts_only_the_two_closed_windows() -> None:
    m = rearrest("re-filing", INDEX, TABLE, 90, END)
    # A1 and B1 close on 2022-04-01 (one day late), C1 later; D1 and E1 both re-filed.
    assert (m.numerator, m.denominator, m.censored) == (2, 2, 3)


def test_a_filing_on_the_same_day_is_not_a_re_arrest() -> None:
    m = rearrest("re-filing", [INDEX[3]], TABLE, 30, END)
    assert INDEX[3].case_id == "D1"
    assert (m.numerator, m.denominator) == (0, 1)


def test_a_window_ending_on_the_last_day_of_data_is_closed() -> None:
    index = [Filing("F", "F1", date(2022, 3, 1))]
    later = [*index, Filing("F", "F2", date(2022, 3, 31))]
    assert rearrest("x", index, later, 30, END).denominator == 1
    assert rearrest("x", index, later, 30, END).numerator == 1
    assert rearrest("x", index, later, 29, END).numerator == 0


def test_a_window_nobody_completed_is_not_measurable_rather_than_zero() -> None:
    m = rearrest("re-filing", INDEX, TABLE, 365, END)
    assert (m.denominator, m.censored, m.rate) == (0, 5, None)
    assert "not measurable yet" in m.describe()


def test_every_figure_states_its_numerator_denominator_window_and_dates() -> None:
    text = rearrest("re-filing", INDEX, TABLE, 30, END).describe()
    assert text.startswith("re-filing: 50.0% (95% CI ")
    assert "= 2 / 4 (within 30 days, 2021-12-01 to 2022-03-31; 1 left out" in text


def test_each_person_counts_once() -> None:
    firsts = first_per_person(TABLE)
    assert [f.case_id for f in firsts] == ["D0", "E1", "A1", "B1", "C1"]


def test_wilson_interval_matches_the_published_example() -> None:
    # Newcombe (1998) table I: 81/263 → 0.2553 to 0.3662.
    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert wilson(0, 10)[0] == 0.0
    with pytest.raises(ValueError, match="n > 0"):
        wilson(0, 0)


def test_kaplan_meier_on_a_hand_computed_table() -> None:
    # W re-files on day 10, X is followed 20 days, Y re-files on day 30, Z is followed 40.
    # S(10) = 3/4; S(30) = 3/4 x (1 - 1/2) = 3/8, so 62.5% have re-filed by day 30.
    end = date(2022, 2, 10)
    index = [
        Filing("W", "W1", date(2022, 1, 1)), Filing("X", "X1", date(2022, 1, 21)),
        Filing("Y", "Y1", date(2022, 1, 1)), Filing("Z", "Z1", date(2022, 1, 1)),
    ]
    filings = [*index, Filing("W", "W2", date(2022, 1, 11)), Filing("Y", "Y2", date(2022, 1, 31))]
    curve = kaplan_meier("all", index, filings, end)
    assert (curve.n, curve.events) == (4, 2)
    at9, at10, at30 = curve.at(9), curve.at(10), curve.at(30)
    assert at9 is not None and at10 is not None and at30 is not None
    assert at9.cumulative == 0.0
    assert at10.cumulative == pytest.approx(0.25)
    assert at30.cumulative == pytest.approx(0.625)
    assert at30.low < at30.cumulative < at30.high
    assert curve.at(41) is None
