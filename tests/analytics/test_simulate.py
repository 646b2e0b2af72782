"""Candidate vs baseline on hand-made cases: directions, people, months, bail, capacity, ranges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from divert.analytics.assumptions import load_assumptions
from divert.analytics.capacity import slots_needed, waiting_list
from divert.analytics.filings import FilingRow
from divert.analytics.montecarlo import Inputs, simulate_ranges, sweep
from divert.analytics.simulate import (
    bail_summary,
    deciding_rules,
    diff_cases,
    directions,
    monthly,
    per_full_month,
    write_diff_csv,
)
from divert.policy.explain import ChargeFinding, Decision, Outcome, PolicyRef

REF = PolicyRef("p", 1, "0" * 64, date(2026, 1, 1))


def decision(case_id: str, outcome: Outcome, because: str, category: str = "simple_possession"
             ) -> Decision:
    finding = ChargeFinding(0, "x", None, category, "alias", 1.0, "test")
    return Decision(case_id, outcome, (because,) if because else (), (), (finding,), (), REF,
                    date(2026, 1, 1), "as_of", "inprocess")


def row(case_id: str, person: str, filed: date, bail: str | None = "ROR",
        amount: float | None = 0.0, held: bool = False, for_money: bool = False) -> FilingRow:
    return FilingRow(case_id, person, filed, "Int Poss Contr Subst By Per Not Reg", 30, "19134",
                   "public_defender", "Active", bail, amount, bail == "Monetary", held,
                   for_money)


ROWS = [
    row("c1", "P1", date(2021, 8, 20)),
    row("c2", "P1", date(2021, 9, 3), "Monetary", 5000.0, held=True),
    row("c3", "P2", date(2021, 9, 10), "Monetary", 1000.0, for_money=True),
    row("c4", "P3", date(2021, 9, 30)),
    row("c5", "P4", date(2021, 10, 31), "Unsecured", 2500.0),
]
BASE = {r.case_id: decision(r.case_id, Outcome.PROSECUTE, "") for r in ROWS}
CAND = {**BASE,
        "c1": decision("c1", Outcome.DIVERT, "possession-only"),
        "c2": decision("c2", Outcome.DIVERT, "possession-only"),
        "c3": decision("c3", Outcome.DIVERT, "possession-only"),
        "c5": decision("c5", Outcome.NEEDS_REVIEW, "open-diversion-review")}


def test_cases_and_people_that_change_and_which_rule_did_it() -> None:
    diffs = diff_cases(ROWS, BASE, CAND)
    assert directions(diffs) == {"prosecute → divert": 3, "prosecute → needs_review": 1}
    assert len({d.person_id for d in diffs if d.newly_diverted}) == 2
    assert deciding_rules(diffs)[("prosecute → divert", "(default)", "possession-only")] == 3


def test_a_case_without_a_decision_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(ValueError, match="1 cases lack a decision"):
        diff_cases(ROWS, {k: v for k, v in BASE.items() if k != "c4"}, CAND)


def test_monthly_volumes_flag_the_partial_first_month() -> None:
    vols = monthly(diff_cases(ROWS, BASE, CAND), ROWS)
    assert [(v.month, v.newly_diverted, v.people_newly_diverted, v.full_month) for v in vols] == [
        ("2021-08", 1, 1, False), ("2021-09", 2, 2, True), ("2021-10", 0, 0, True),
    ]
    assert per_full_month(vols, "newly_diverted") == 1.0


def test_bail_and_custody_on_the_newly_diverted_cases() -> None:
    s = bail_summary([d for d in diff_cases(ROWS, BASE, CAND) if d.newly_diverted])
    assert (s.cases, s.people, s.monetary, s.held, s.people_held) == (3, 2, 2, 1, 1)
    assert s.held_for_money == 1
    assert s.by_type == {"Monetary": 2, "ROR": 1}
    assert s.median_monetary_amount == 3000.0
    assert s.total_monetary_amount == 6000.0


def test_the_diff_csv_has_one_row_per_case(tmp_path: Path) -> None:
    out = tmp_path / "diff.csv"
    write_diff_csv(diff_cases(ROWS, BASE, CAND), out)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("case_id,person_id,filed,top_charge,category,baseline,candidate")
    assert len(lines) == 1 + len(ROWS)
    assert "c2,P1,2021-09-03" in lines[2] and ",prosecute,divert,prosecute → divert," in lines[2]


def test_capacity_is_referrals_times_engagement_times_length() -> None:
    assert slots_needed(90, 0.5, 6) == 270.0
    with pytest.raises(ValueError, match="share"):
        slots_needed(90, 1.5, 6)


def test_no_waiting_list_while_slots_suffice_then_it_grows() -> None:
    assert all(m.waiting == 0 for m in waiting_list([45] * 24, slots=300, program_months=6))
    short = waiting_list([45] * 24, slots=200, program_months=6)
    assert short[-1].waiting > short[11].waiting > 0
    assert short[-1].in_treatment == pytest.approx(200)


INPUTS = Inputs(referrals_per_month=90, newly_diverted_per_month=80,
                people_newly_diverted_per_month=75, refiled=16, followed=254, window_days=90)


def test_ranges_are_deterministic_and_bracket_the_default_case() -> None:
    a = load_assumptions()
    first, again = simulate_ranges(INPUTS, a), simulate_ranges(INPUTS, a)
    assert first == again
    slots = first[0]
    # places for the people newly diverted beyond today's 28%, half of whom engage, 6 months
    assert slots.at_defaults == pytest.approx(75 * (1 - 0.28) * 0.5 * 6)
    assert slots.p5 < slots.median < slots.p95
    other_seed = simulate_ranges(INPUTS, replace(a, seed=a.seed + 1))
    assert other_seed[0].median != slots.median


def test_with_no_effect_assumed_the_change_in_re_filings_is_zero_at_defaults() -> None:
    ranges = {r.name: r for r in simulate_ranges(INPUTS, load_assumptions())}
    assert ranges["change in those re-filings vs prosecution"].at_defaults == 0.0
    assert ranges["re-filings per month's newly diverted people"].at_defaults == pytest.approx(
        75 * (1 - 0.28) * 16 / 254
    )


def test_the_sweep_ranks_engagement_and_length_for_capacity() -> None:
    s = sweep(INPUTS, load_assumptions(), "slots needed (people in treatment at once)")
    assert {x.parameter for x in s} == {"engagement_rate", "program_months",
                                        "todays_diversion_share"}
    assert s[0].parameter == "program_months"  # 1.25–12 months moves it most
    assert s[-1].parameter == "todays_diversion_share"  # 28% to 39% moves it least
