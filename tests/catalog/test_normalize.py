"""The normalizer: real wordings resolve, unsure ones say so, and the guard always holds."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FILINGS
from divert.catalog.model import Category, Match, MatchedBy, Unknown
from divert.catalog.normalize import (
    POSSESSION_LIKE,
    default_catalog,
    guard_conflict,
    normalize_charge,
)


def _top_charges() -> Counter[str]:
    with FILINGS.open(newline="") as handle:
        return Counter(row["top_charge"] for row in csv.DictReader(handle))


def test_every_top_charge_in_the_filings_resolves_or_says_why_not() -> None:
    charges = _top_charges()
    assert len(charges) == 163
    for wording in charges:
        reading = normalize_charge(wording)
        if isinstance(reading, Unknown):
            assert reading.reason, wording
        else:
            assert default_catalog().lookup(reading.offense.citation) == reading.offense, wording
            assert 0 < reading.confidence <= 1
    unknown = [w for w in charges if isinstance(normalize_charge(w), Unknown)]
    # Only the court's own "Unknown Statute" and the bare "Aggravated Assault" (used for
    # subsections in and out of 42 Pa.C.S. § 9714(g)) may stay unread.
    assert sorted(unknown) == ["Aggravated Assault", "Unknown Statute"]


@pytest.mark.parametrize(
    ("wording", "category"),
    [
        ("Int Poss Contr Subst By Per Not Reg", Category.SIMPLE_POSSESSION),
        ("Purc/Rec Of Cont Substby Unauth Per", Category.PURCHASE_BY_UNAUTHORIZED),
        (
            "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
            Category.POSSESSION_WITH_INTENT_TO_DELIVER,
        ),
        ("Use/Poss Of Drug Paraph", Category.PARAPHERNALIA),
        ("Poss Of Marijuana", Category.MARIJUANA_SMALL_AMOUNT),
        ("Firearms Not To Be Carried W/O License", Category.FIREARM),
        ("DUI: Gen Imp/Inc of Driving Safely - 1st Off", Category.DUI),
        ("Retail Theft-Take Mdse", Category.RETAIL_THEFT),
        ("Robbery-Inflict Serious Bodily Injury", Category.CRIME_OF_VIOLENCE),
        ("Theft By Unlaw Taking-Movable Prop", Category.PROPERTY),
        ("Contraband/Controlled Substance", Category.DRUG_OTHER),
        ("Simple Assault", Category.OTHER),
    ],
)
def test_the_policy_categories_on_real_wordings(wording: str, category: Category) -> None:
    reading = normalize_charge(wording)
    assert isinstance(reading, Match)
    assert reading.category is category


def test_conspiracy_to_pwid_keeps_the_pwid_category() -> None:
    reading = normalize_charge(
        "Conspiracy - Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver"
    )
    assert isinstance(reading, Match)
    assert reading.category is Category.POSSESSION_WITH_INTENT_TO_DELIVER
    assert reading.inchoate is not None and reading.inchoate.value == "conspiracy"


def test_a_citation_beats_the_words_and_says_so() -> None:
    reading = normalize_charge("Drug Act violation", "35 § 780-113 §§ A16*")
    assert isinstance(reading, Match)
    assert reading.matched_by is MatchedBy.CITATION
    assert str(reading.offense.citation) == "35 P.S. § 780-113(a)(16)"
    assert reading.confidence == 1.0


def test_citation_and_wording_that_disagree_are_unknown_with_both_candidates() -> None:
    reading = normalize_charge("Retail Theft-Take Mdse", "35 § 780-113 §§ A16")
    assert isinstance(reading, Unknown)
    assert {c.category for c in reading.candidates} == {
        Category.SIMPLE_POSSESSION,
        Category.RETAIL_THEFT,
    }


def test_an_unreadable_citation_is_named_in_the_reason() -> None:
    reading = normalize_charge("", "not a citation")
    assert isinstance(reading, Unknown)
    assert "not a citation" in reading.reason


def test_an_ambiguous_description_lists_its_candidates() -> None:
    reading = normalize_charge("Aggravated Assault")
    assert isinstance(reading, Unknown)
    assert len(reading.candidates) >= 2
    assert "citation is needed" in reading.reason


def test_a_section_whose_subsections_differ_in_category_is_unknown_but_keeps_its_citation(
) -> None:
    reading = normalize_charge("Aggravated Assault", "18 § 2702")
    assert isinstance(reading, Unknown)
    assert str(reading.citation) == "18 Pa.C.S. § 2702"
    assert reading.reason.startswith("§ 2702 has clauses of different categories")
    assert reading.reason.endswith("the subsection is not written")


@pytest.mark.parametrize(
    ("wording", "cited", "why"),
    [
        ("Criminal Attempt", "18 § 901 §§ A", "attempt of an offense the record does not name"),
        ("Conspiracy", "18 § 903", "conspiracy to commit an offense the record does not name"),
        ("Criminal Solicitation", "18 § 902 §§ A",
         "solicitation of an offense the record does not name"),
    ],
)
def test_an_inchoate_citation_without_its_object_keeps_the_citation(
    wording: str, cited: str, why: str
) -> None:
    reading = normalize_charge(wording, cited)
    assert isinstance(reading, Unknown)
    assert reading.reason == why
    assert reading.citation is not None and reading.citation.section in ("901", "902", "903")


def test_an_inchoate_citation_with_unreadable_words_keeps_the_citation() -> None:
    reading = normalize_charge("Criminal Attempt - Xyzzy Plugh", "18 § 901 §§ A")
    assert isinstance(reading, Unknown)
    assert str(reading.citation) == "18 Pa.C.S. § 901(a)"


def test_an_inchoate_citation_with_a_named_object_shows_the_object() -> None:
    reading = normalize_charge("Criminal Attempt - Murder", "18 § 901 §§ A")
    assert isinstance(reading, Match)
    assert str(reading.citation) == "18 Pa.C.S. § 2502"


@pytest.mark.parametrize(
    ("cited", "shown", "entry"),
    [
        ("75 § 1543 §§ B1i", "75 Pa.C.S. § 1543(b)(1)(i)", "75 Pa.C.S. § 1543(b)(1)"),
        ("18 § 5532 §§ A2", "18 Pa.C.S. § 5532(a)(2)", "18 Pa.C.S. § 5532"),
    ],
)
def test_a_citation_deeper_than_the_catalog_keeps_every_level_written(
    cited: str, shown: str, entry: str
) -> None:
    reading = normalize_charge("", cited)
    assert isinstance(reading, Match)
    assert str(reading.citation) == shown
    assert str(reading.offense.citation) == entry  # looked up at the deepest level listed


def test_a_citation_the_catalog_lists_exactly_is_shown_as_the_entry() -> None:
    reading = normalize_charge("", "35 § 780-113 §§ A16*")
    assert isinstance(reading, Match)
    assert reading.cited is None
    assert str(reading.citation) == "35 P.S. § 780-113(a)(16)"


def test_an_unknown_from_a_conflict_keeps_the_citation() -> None:
    reading = normalize_charge("PWID", "35 § 780-113 §§ A16")
    assert isinstance(reading, Unknown)
    assert str(reading.citation) == "35 P.S. § 780-113(a)(16)"


def test_an_unlisted_section_is_categorized_by_the_rules_with_less_confidence() -> None:
    reading = normalize_charge("", "18 Pa.C.S. § 6127")
    assert isinstance(reading, Match)
    assert reading.category is Category.FIREARM
    assert reading.confidence < 1


def test_readings_are_cached() -> None:
    assert normalize_charge("CS-POSS heroin") is normalize_charge("CS-POSS heroin")


# --- the guard: possession and possession with intent never cross ----------------------------

DELIVERY = [
    "PWID",
    "P.W.I.D.",
    "with intent to deliver",
    "w/i",
    "W/I DEL",
    "w/ intent to deliver",
    "Delivery",
    "deliver",
    "Manufacture",
    "Mfg",
    "distribute",
    "Dist",
    "sale",
    "sell",
    "possession with intent to manufacture",
    "trafficking",
    "delivry",  # typing slips: the guard reads the corrected word too
    "manufacure",
    "distribte",
]
POSSESSION = [
    "Poss",
    "Possession",
    "possess",
    "CS-POSS",
    "K/I Poss",
    "Int Poss",
    "Use/Poss",
    "Possession of",
    "BFP",
    "Purchase",
    "paraph",
    "Poss Of Marijuana",
    "Int Poss Contr Subst",
]
FILLER = [
    "",
    "Contr Subst",
    "controlled substance",
    "cocaine",
    "heroin",
    "(fentanyl)",
    "-",
    "of",
    "By Per Not Reg",
    "drug paraphernalia",
    "marijuana",
    "small amt",
    "35",
    "C/S",
    "crack",
]
PREFIX = ["", "Criminal Attempt - ", "Conspiracy - ", "Criminal Solicitation - ", "Consp "]


def _case(text: str, how: int) -> str:
    return [text, text.upper(), text.lower(), text.title()][how]


def _wording(parts: list[str], how: int, prefix: str) -> str:
    return prefix + _case(" ".join(p for p in parts if p), how)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(POSSESSION + FILLER), max_size=3),
    st.sampled_from(DELIVERY),
    st.lists(st.sampled_from(POSSESSION + FILLER), max_size=3),
    st.integers(0, 3),
    st.sampled_from(PREFIX),
)
def test_a_delivery_wording_is_never_read_as_possession(
    before: list[str], delivery: str, after: list[str], how: int, prefix: str
) -> None:
    reading = normalize_charge(_wording([*before, delivery, *after], how, prefix))
    if isinstance(reading, Match):
        assert reading.category not in POSSESSION_LIKE, reading


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(POSSESSION),
    st.lists(st.sampled_from(POSSESSION + FILLER), max_size=4),
    st.integers(0, 3),
    st.sampled_from(PREFIX),
)
def test_a_possession_only_wording_is_never_read_as_pwid(
    possession: str, rest: list[str], how: int, prefix: str
) -> None:
    reading = normalize_charge(_wording([possession, *rest], how, prefix))
    if isinstance(reading, Match):
        assert reading.category is not Category.POSSESSION_WITH_INTENT_TO_DELIVER, reading


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DELIVERY), st.sampled_from(["A16", "A19", "A31", "A32"]))
def test_a_possession_citation_with_delivery_words_is_unknown(delivery: str, clause: str) -> None:
    reading = normalize_charge(f"Poss {delivery}", f"35 § 780-113 §§ {clause}")
    assert isinstance(reading, Unknown)


def test_the_guard_reads_intent_to_use_as_possession() -> None:
    assert (
        guard_conflict("possession with intent to use drug paraphernalia", Category.PARAPHERNALIA)
        is None
    )
    assert guard_conflict("Int Poss Contr Subst", Category.SIMPLE_POSSESSION) is None
    assert guard_conflict("Poss W/I", Category.SIMPLE_POSSESSION) is not None


def test_a_citation_in_a_title_the_catalog_does_not_know_is_unknown() -> None:
    reading = normalize_charge("", "99 Pa.C.S. § 1")
    assert isinstance(reading, Unknown)
    assert "no offense in title 99" in reading.reason


def test_a_cited_section_the_catalog_lacks_is_kept_not_swapped_for_the_words_section() -> None:
    """42 Pa.C.S. § 62A14 (contempt of a protection order) is not in the AOPC data; its court
    wording is also 23 Pa.C.S. § 6114's. The citation stays; the category comes from the rules."""
    reading = normalize_charge("Contempt for Violation of Order or Agreement", "42 § 62A14 §§ A")
    assert isinstance(reading, Match)
    assert str(reading.offense.citation) == "42 Pa.C.S. § 62A14(a)"
    assert reading.matched_by is MatchedBy.CITATION and reading.confidence == 0.8


def test_a_citation_in_a_title_the_catalog_lacks_is_unknown_with_the_words_as_candidate() -> None:
    reading = normalize_charge("Simple Assault", "99 § 1 §§ A")
    assert isinstance(reading, Unknown)
    assert "no offense in title 99" in reading.reason
    assert [str(o.citation) for o in reading.candidates] == ["18 Pa.C.S. § 2701(a)(1)"]


@pytest.mark.parametrize(
    "wording",
    ["Criminal Conspiracy Knowledge", "Criminal Conspiracy Aiding", "Criminal Solicitation"],
)
def test_the_court_names_of_bare_inchoate_sections_say_what_is_missing(wording: str) -> None:
    reading = normalize_charge(wording)
    assert isinstance(reading, Unknown)
    assert "an offense the record does not name" in reading.reason


@pytest.mark.parametrize(
    "wording", ["NARCOTICS", "MJ", "Marijuana", "CS", "Cocaine 3 g", "(heroin)"]
)
def test_a_wording_that_names_only_a_drug_is_unknown_not_guessed_as_possession(
    wording: str,
) -> None:
    reading = normalize_charge(wording)
    assert isinstance(reading, Unknown)
    assert "names a drug but not what was done" in reading.reason


def test_a_drug_with_an_act_is_still_read() -> None:
    crack, mj = normalize_charge("Poss of Crack Cocaine"), normalize_charge("MJ Poss")
    assert isinstance(crack, Match) and crack.category is Category.SIMPLE_POSSESSION
    assert isinstance(mj, Match) and mj.category is Category.MARIJUANA_SMALL_AMOUNT


@pytest.mark.parametrize("citation", ["18 § 2702 §§ A", "18 § 3701 §§ A1"])
def test_a_citation_short_of_the_violent_clause_is_unknown_not_read_as_non_violent(
    citation: str,
) -> None:
    """9714(g) names clauses: 2702(a) or 3701(a)(1) alone may be violent or not."""
    reading = normalize_charge("", citation)
    assert isinstance(reading, Unknown)
    assert "crime_of_violence" in reading.reason
    assert any(o.category is Category.CRIME_OF_VIOLENCE for o in reading.candidates)


def test_the_words_may_name_the_clause_a_short_citation_leaves_open() -> None:
    reading = normalize_charge("Robbery-Inflict Serious Bodily Injury", "18 § 3701 §§ A1")
    assert isinstance(reading, Match)
    assert str(reading.offense.citation) == "18 Pa.C.S. § 3701(a)(1)(i)"
    assert reading.category is Category.CRIME_OF_VIOLENCE


@pytest.mark.parametrize(
    ("wording", "cited"),
    [
        ("Possess Small Amt/Distribute, Not Sell", None),
        ("Distribute Small Amt Marijuana/Not For Sale", None),
        ("", "35 § 780-113 §§ A31II"),
        ("Distribute Small Amt Marijuana/Not For Sale", "35 § 780-113 §§ A31III"),
    ],
)
def test_every_small_amount_marijuana_clause_is_that_category_with_its_drug(
    wording: str, cited: str | None
) -> None:
    reading = normalize_charge(wording, cited)
    assert isinstance(reading, Match)
    assert reading.category is Category.MARIJUANA_SMALL_AMOUNT
    assert reading.offense.drug == "marijuana"


@pytest.mark.parametrize(
    ("wording", "cited"),
    [("Distribute Small Amt Marijuana", "35 § 780-113 §§ A31"), ("Sale of Marijuana", None)],
)
def test_distribution_words_reach_small_amount_only_through_its_own_clause(
    wording: str, cited: str | None
) -> None:
    assert isinstance(normalize_charge(wording, cited), Unknown)


@pytest.mark.parametrize(
    ("wording", "cited", "category"),
    [
        ("", "75 § 3803 §§ A1", Category.DUI),  # grading of a DUI
        ("Ill Operate Vehicle W/Out Ignition Interlock", None, Category.DUI),  # § 3808(a)(1)
        ("", "75 § 3817", Category.DUI),  # the chapter's last section
        ("", "75 § 3818", Category.OTHER),  # past the chapter
        ("Aggravated Assault By Vehicle While Dui", None, Category.OTHER),  # Chapter 37
    ],
)
def test_title_75_chapter_38_is_dui(wording: str, cited: str | None, category: Category) -> None:
    reading = normalize_charge(wording, cited)
    assert isinstance(reading, Match)
    assert reading.category is category
