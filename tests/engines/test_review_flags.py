"""Charges a lawyer wants flagged for review are visible to a policy, on every engine.

A possession charge graded as a felony ((a)(16) graded F is probably GHB, domain.md § 1) is
not the misdemeanor possession a diversion policy has in mind. The grade as charged is the
fact `charge.grade`; the catalog's usual grade ("M" for (a)(16)) must never stand in for it.
"""

from __future__ import annotations

from datetime import date

from divert.engines.batch import screen_cases_batch
from divert.engines.inprocess import screen_case
from divert.model.case import Case, Charge
from divert.policy.explain import Outcome, Truth
from divert.policy.language import parse_condition
from divert.policy.model import Default, Policy, PolicyVersion, Rule

FELONY_POSSESSION = (
    "any charge where (category is simple_possession and grade is in [F, F1, F2, F3])"
)
POLICY = Policy("p", (PolicyVersion(
    "p", "t", "US-PA", 1, "adopted", date(2026, 1, 1), None, "filing_date", {},
    (Rule("felony-possession", "1", parse_condition(FELONY_POSSESSION), FELONY_POSSESSION,
          Outcome.NEEDS_REVIEW, ""),),
    Default(Outcome.DIVERT, ""), "sha"),))


def _case(case_id: str, grade: str | None) -> Case:
    charge = Charge("Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16", grade)
    return Case(case_id, (charge,), filing_date=date(2026, 7, 2))


CASES = (_case("felony", "F"), _case("misdemeanor", "M"), _case("ungraded", None))


def test_a_possession_charged_as_a_felony_is_flagged_and_an_unknown_grade_is_not_guessed(
) -> None:
    truths = {c.case_id: screen_case(c, POLICY).rules[0].truth for c in CASES}
    assert truths == {"felony": Truth.TRUE, "misdemeanor": Truth.FALSE,
                      "ungraded": Truth.UNKNOWN}  # not the catalog's usual "M"


def test_the_batch_engine_flags_the_same_charges() -> None:
    batch = screen_cases_batch(CASES, POLICY, engine="duckdb").decisions
    assert [(d.case_id, d.outcome) for d in batch] == [
        (c.case_id, screen_case(c, POLICY).outcome) for c in CASES]
    assert batch[0].outcome is Outcome.NEEDS_REVIEW
