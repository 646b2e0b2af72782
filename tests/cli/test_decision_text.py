"""How a decision reads: outcome and deciding clauses first, then charges, rules, notes."""

from __future__ import annotations

from datetime import date

from divert.cli.decision_text import decision_lines
from divert.policy.explain import (
    ChargeFinding,
    Decision,
    Disposition,
    Outcome,
    PolicyRef,
    RuleResult,
    Truth,
)

REF = PolicyRef("phl-dao-simple-possession", 2, "9f2c" + "0" * 60, date(2026, 7, 1))
POSSESSION = ChargeFinding(0, "Int Poss Contr Subst By Per Not Reg", "35 P.S. § 780-113(a)(16)",
                           "simple_possession", "description", 1.0, "us-pa@test")  # fmt: skip
NO_MATCH = "no catalog entry is close to this wording"
UNREAD = ChargeFinding(0, "Xyzzy", None, None, "unknown", 0.0, "us-pa@test", NO_MATCH,
                       ("18 Pa.C.S. § 3929",))  # fmt: skip
TOP = "Only the most serious charge was published; other charges, if any, are not known."


def test_a_diverted_case_reads_outcome_vehicle_clause_charge_other_rules_and_notes() -> None:
    decision = Decision(
        "C-1", Outcome.DIVERT, ("top-charge-possession",),
        (
            RuleResult("pwid", "2.3", Truth.FALSE, None,
                       "No charge is possession with intent to deliver."),
            RuleResult("top-charge-possession", "2.2", Truth.TRUE, Outcome.DIVERT,
                       "The most serious charge, 35 P.S. § 780-113(a)(16), is one of those "
                       "named in clause 2.1; the other charges were not published."),
        ),
        (POSSESSION,), (), REF, date(2026, 7, 1), "as_of", "inprocess", (TOP,),
        vehicle="section-18", dispositions=(Disposition.DIVERTED,),
        assumptions=("assume.hidden_charges_lesser",),
    )  # fmt: skip
    changes = ["if case.money_bail were true: needs_review"]
    assert decision_lines(decision, changes=changes) == [
        "Case C-1: divert via section-18.",
        "  Policy phl-dao-simple-possession v2 (sha256 9f2c00000000), the version in force on "
        "2026-07-01 (chosen by as_of).",
        "  A what-if, not a live decision: it assumes assume.hidden_charges_lesser.",
        "",
        "Why:",
        "  divert: clause 2.2 — The most serious charge, 35 P.S. § 780-113(a)(16), is one of "
        "those named in clause 2.1; the other charges were not published. "
        "(rule top-charge-possession)",
        "",
        "How each charge was read:",
        "  1. 'Int Poss Contr Subst By Per Not Reg' was read as 35 P.S. § 780-113(a)(16), "
        "simple possession (matched by description, confidence 1.00). It is diverted.",
        "",
        "What would change this decision:",
        "  - if case.money_bail were true: needs_review",
        "",
        "The other rules:",
        "  clause 2.3 (pwid) does not apply: No charge is possession with intent to deliver.",
        "",
        "Notes:",
        f"  - {TOP}",
    ]


def test_a_case_sent_to_review_names_the_undecided_clause_and_the_unknown_fact() -> None:
    decision = Decision(
        "C-2", Outcome.NEEDS_REVIEW, ("unread-charge",),
        (
            RuleResult("unread-charge", "3", Truth.UNKNOWN, None,
                       "Cannot tell whether clause 3 applies: charge.category unknown."),
        ),
        (UNREAD,), ("charge.category",), REF, date(2026, 7, 1), "filing_date", "inprocess",
    )  # fmt: skip
    lines = decision_lines(decision)
    assert lines[0] == "Case C-2: needs review by an ADA."
    assert lines[4] == (
        "  needs_review: clause 3 could not be decided — Cannot tell whether clause 3 applies: "
        "charge.category unknown. (rule unread-charge)"
    )
    assert lines[7] == (
        "  1. 'Xyzzy' could not be read: no catalog entry is close to this wording. "
        "Nearest: 18 Pa.C.S. § 3929."
    )
    assert lines[-2:] == ["Facts the data does not give (unknown, never guessed):",
                          "  - charge.category"]  # fmt: skip


def test_when_no_rule_applies_the_default_is_quoted() -> None:
    decision = Decision("C-3", Outcome.PROSECUTE, (), (), (POSSESSION,), (), REF,
                        date(2026, 7, 1), "filing_date", "inprocess")  # fmt: skip
    lines = decision_lines(decision, "No clause of this policy diverts this case (clause 4).")
    assert lines[4] == (
        "  prosecute: no rule applies; the policy's default decides — "
        "No clause of this policy diverts this case (clause 4)."
    )
