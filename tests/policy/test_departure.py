"""Departures from a bail or supervision recommendation need the approval the policy names."""

from __future__ import annotations

from datetime import date

from divert.analytics.supervision import averages
from divert.engines.inprocess import screen_case
from divert.model.case import Case, Charge, PersonRecord
from divert.policy.departure import bail_departure, supervision_departure
from divert.policy.explain import Outcome
from divert.policy.load import load_policies

POLICIES = load_policies()
BAIL = POLICIES["phl-dao-bail-2018"]
SUPERVISION = POLICIES["phl-dao-supervision-2019"]
CLEAN = PersonRecord("p", bench_warrants_5y=0, open_pwid_cases=0)


def _bail(charges: tuple[str, ...], person: PersonRecord | None = CLEAN,
          fentanyl: bool | None = False) -> tuple[Outcome, tuple[str, ...]]:
    case = Case("c", tuple(Charge(c) for c in charges), filing_date=date(2019, 6, 1),
                age=30, person=person, fentanyl_evidence=fentanyl)
    decision = screen_case(case, BAIL)
    return decision.outcome, decision.because


def test_asking_cash_where_the_policy_asks_none_needs_the_district_attorney() -> None:
    outcome, because = _bail(("Retail Theft-Take Mdse",))
    assert outcome is Outcome.ROR
    departure = bail_departure(BAIL.latest(), outcome, because, Outcome.CASH)
    assert departure is not None and departure.approval == "district_attorney"
    assert "District Attorney" in departure.approver


def test_unsecured_or_conditions_instead_of_ror_is_no_departure() -> None:
    outcome, because = _bail(("Retail Theft-Take Mdse",))
    for requested in (Outcome.ROR, Outcome.UNSECURED, Outcome.NONMONETARY):
        assert bail_departure(BAIL.latest(), outcome, because, requested) is None


def test_a_request_where_the_policy_sets_no_presumption_departs_from_nothing() -> None:
    outcome, because = _bail(("Simple Assault",))
    assert outcome is Outcome.INDIVIDUAL_REVIEW
    assert bail_departure(BAIL.latest(), outcome, because, Outcome.CASH) is None
    unknown, why = _bail(("Retail Theft-Take Mdse",), person=None, fentanyl=None)
    assert unknown is Outcome.NEEDS_REVIEW
    assert bail_departure(BAIL.latest(), unknown, why, Outcome.CASH) is None


def test_probation_over_the_cap_needs_prior_approval_and_at_the_cap_does_not() -> None:
    case = Case("c", (Charge("Retail Theft-Take Mdse", grade="M1"),),
                filing_date=date(2020, 1, 10), age=30, mandatory_supervision_months=0)
    decision = screen_case(case, SUPERVISION)
    assert decision.outcome is Outcome.PROBATION_1Y_MAX
    version = SUPERVISION.latest()
    assert supervision_departure(version, decision.outcome, decision.because, 12) is None
    over = supervision_departure(version, decision.outcome, decision.because, 13)
    assert over is not None and over.approval == "district_attorney"
    assert "12-month cap of clause 2" in over.why


def test_averages_read_the_aims_and_caps_from_the_policy() -> None:
    figures = {f.outcome: f for f in averages(SUPERVISION.latest(), [
        ("probation_3y_max", 12), ("probation_3y_max", 24), ("probation_3y_max", 48),
        ("probation_1y_max", 6), ("needs_review", 99)])}
    felony, misdemeanor = figures["probation_3y_max"], figures["probation_1y_max"]
    assert (felony.requests, felony.mean_months, felony.aim_months, felony.over_cap) == \
        (3, 28, 18, 1)
    assert felony.meets_aim is False
    assert (misdemeanor.requests, misdemeanor.mean_months, misdemeanor.meets_aim) == (1, 6, True)
