"""The condition language: what a lawyer writes parses to the meaning they intend, and a
mistake is reported at its column with a suggestion."""

from __future__ import annotations

import pytest

from divert.errors import PolicyError
from divert.policy.condition import And, Compare, Not, Op, Or, Quantified, Quantifier
from divert.policy.language import parse_condition


def test_and_binds_tighter_than_or() -> None:
    node = parse_condition(
        "case.pad_referred is true or person.pad_contacts >= 2 and person.open_diversions > 0"
    )
    assert isinstance(node, Or)
    assert isinstance(node.parts[1], And)


def test_parentheses_and_not_group_as_written() -> None:
    node = parse_condition("not (case.pad_referred is true or case.stage is charged)")
    assert isinstance(node, Not) and isinstance(node.part, Or)


@pytest.mark.parametrize(
    ("text", "quantifier", "op", "value"),
    [
        ("any charge is dui", Quantifier.ANY, Op.IS, "dui"),
        ("every charge is in [simple_possession, paraphernalia]", Quantifier.EVERY, Op.IN,
         ("simple_possession", "paraphernalia")),
        ("no charge is firearm", Quantifier.NO, Op.IS, "firearm"),
        ("any charge is not in [dui]", Quantifier.ANY, Op.NOT_IN, ("dui",)),
        ("any charge is not dui", Quantifier.ANY, Op.IS_NOT, "dui"),
    ],
)
def test_charge_quantifiers_test_the_category(
    text: str, quantifier: Quantifier, op: Op, value: object
) -> None:
    node = parse_condition(text)
    assert node == Quantified(quantifier, Compare("charge.category", op, value))


def test_inside_where_bare_names_are_charge_facts() -> None:
    node = parse_condition("any charge where (category is paraphernalia and drug is marijuana)")
    assert node == Quantified(
        Quantifier.ANY,
        And((Compare("charge.category", Op.IS, "paraphernalia"),
             Compare("charge.drug", Op.IS, "marijuana"))),
    )


def test_numbers_and_booleans_become_values() -> None:
    assert parse_condition("person.pad_contacts >= 2") == Compare("person.pad_contacts", Op.GE, 2)
    assert parse_condition("case.pad_referred is false") == Compare(
        "case.pad_referred", Op.IS, False
    )


def _error(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_condition(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "column", "hint"),
    [
        ("any charge is possesion_with_intent_to_deliver",
         "unknown category 'possesion_with_intent_to_deliver'", 15,
         "did you mean 'possession_with_intent_to_deliver'?"),
        ("person.pad_contact >= 2", "unknown fact 'person.pad_contact'", 1,
         "did you mean 'person.pad_contacts'?"),
        ("case.charge_scope is top_charge", "unknown charge scope 'top_charge'", 22,
         "did you mean 'top_charge_only'?"),
        ("any charge where (catgory is dui)", "unknown fact 'catgory'", 19,
         "did you mean 'category'?"),
    ],
)
def test_unknown_names_are_refused_with_a_suggestion(
    text: str, message: str, column: int, hint: str
) -> None:
    error = _error(text)
    assert (error.message, error.column, error.hint) == (message, column, hint)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("charge.category is dui",
         "'charge.category' is a fact of one charge; use it inside 'any charge where (…)'", 1),
        ("case.stage >= 2", "'case.stage' is not a number, so '>=' cannot compare it", 12),
        ("person.pad_contacts >= two",
         "'person.pad_contacts' is a number; expected a whole number, found 'two'", 24),
        ("case.pad_referred is yes", "'case.pad_referred' is true or false; found 'yes'", 22),
        ("any charge is dui and", "expected a fact name, found the end of the condition", 22),
        ("any charge is dui dui", "unexpected 'dui'", 19),
        ("person.pad_contacts >= 2; drop table", "unexpected character ';'", 25),
        ("any charge where (any charge is dui)", "'any charge' cannot be nested inside another",
         19),
        ("", "the condition is empty", 1),
    ],
)
def test_malformed_conditions_are_refused_at_their_column(
    text: str, message: str, column: int
) -> None:
    error = _error(text)
    assert (error.message, error.column) == (message, column)


def test_is_known_asks_whether_the_record_holds_a_fact_and_is_never_unknown() -> None:
    from divert.policy.evaluate import Facts, evaluate
    from divert.policy.explain import Truth

    node = parse_condition("any charge where (quantity_grams is known and quantity_grams >= 2)")
    assert node == Quantified(Quantifier.ANY, And((
        Compare("charge.quantity_grams", Op.KNOWN, ()),
        Compare("charge.quantity_grams", Op.GE, 2))))
    def truth(grams: int | None) -> Truth:
        return evaluate(node, Facts({}, ({"charge.quantity_grams": grams},)))

    # not stated is "does not apply", not "cannot tell": nothing is assumed either way
    assert (truth(None), truth(1), truth(2)) == (Truth.FALSE, Truth.FALSE, Truth.TRUE)
    assert parse_condition("case.age is not known") == Compare("case.age", Op.NOT_KNOWN, ())
