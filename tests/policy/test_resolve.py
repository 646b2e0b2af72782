"""Three-valued truth and resolution: what every engine must agree on."""

from __future__ import annotations

from datetime import date

import pytest

from divert.policy.evaluate import Facts, evaluate
from divert.policy.explain import Outcome, Truth
from divert.policy.language import parse_condition
from divert.policy.model import Default, PolicyVersion, Rule
from divert.policy.resolve import resolve

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def charges(*categories: str | None) -> Facts:
    return Facts({}, tuple({"charge.category": c} for c in categories))


@pytest.mark.parametrize(
    ("text", "facts", "expected"),
    [
        ("any charge is dui", charges(), F),
        ("every charge is dui", charges(), T),
        ("no charge is dui", charges(), T),
        ("any charge is dui", charges("other", None), U),
        ("any charge is dui", charges("dui", None), T),
        ("every charge is dui", charges("other", None), F),
        ("every charge is dui", charges("dui", None), U),
        ("no charge is dui", charges("other", None), U),
        ("any charge is not in [dui]", charges(None), U),
    ],
)
def test_quantifiers_over_charges_follow_kleene_logic(
    text: str, facts: Facts, expected: Truth
) -> None:
    assert evaluate(parse_condition(text), facts) is expected


@pytest.mark.parametrize(
    ("contacts", "referred", "expected"),
    [(None, False, F), (None, True, U), (3, None, U), (3, True, T), (0, None, F)],
)
def test_and_with_an_unknown_is_false_only_when_another_part_is_false(
    contacts: int | None, referred: bool | None, expected: Truth
) -> None:
    condition = parse_condition("person.pad_contacts >= 2 and case.pad_referred is true")
    facts = Facts({"person.pad_contacts": contacts, "case.pad_referred": referred})
    assert evaluate(condition, facts) is expected


def test_every_fact_consulted_is_recorded_even_after_the_answer_is_known() -> None:
    read: dict[str, object] = {}
    condition = parse_condition("case.pad_referred is true or any charge is dui")
    evaluate(condition, Facts({"case.pad_referred": True}, ({"charge.category": "dui"},)), read)
    assert read == {"case.pad_referred": True, "charges[0].category": "dui"}


def _version(*rules: Rule, default: Outcome = Outcome.PROSECUTE) -> PolicyVersion:
    return PolicyVersion("p", "t", "j", 1, "adopted", date(2026, 1, 1), None, "filing_date",
                         {"1": "x"}, rules, Default(default, "no rule decides"), "0")


_C = parse_condition("case.pad_referred is true")


def rule(rule_id: str, outcome: Outcome, *overrides: str) -> Rule:
    return Rule(rule_id, "1", _C, "", outcome, "", overrides=overrides)


POLICY = _version(
    rule("pwid", Outcome.PROSECUTE, "mixed"),
    rule("possession", Outcome.DIVERT),
    rule("mixed", Outcome.NEEDS_REVIEW, "possession"),
)


@pytest.mark.parametrize(
    ("truths", "expected"),
    [
        ({"pwid": F, "possession": T, "mixed": F}, (Outcome.DIVERT, ("possession",), ())),
        # mixed overrides possession; pwid overrides mixed, and so (transitively) possession.
        ({"pwid": F, "possession": T, "mixed": T}, (Outcome.NEEDS_REVIEW, ("mixed",), ())),
        ({"pwid": T, "possession": T, "mixed": T}, (Outcome.PROSECUTE, ("pwid",), ())),
        ({"pwid": F, "possession": F, "mixed": F}, (Outcome.PROSECUTE, (), ())),
        # An unknown rule that would change the outcome sends the case to review …
        ({"pwid": U, "possession": T, "mixed": F},
         (Outcome.NEEDS_REVIEW, ("pwid",), ("pwid",))),
        # … but not when a fired rule overrides it, or it would give the same outcome.
        ({"pwid": T, "possession": U, "mixed": U}, (Outcome.PROSECUTE, ("pwid",), ())),
        ({"pwid": U, "possession": F, "mixed": F}, (Outcome.PROSECUTE, (), ())),
        ({}, (Outcome.NEEDS_REVIEW, ("possession", "mixed"), ("possession", "mixed"))),
    ],
)
def test_resolution(truths: dict[str, Truth], expected: tuple[object, ...]) -> None:
    assert resolve(POLICY, truths) == expected
