"""Citations in every form courts, police and lawyers write them read as one Citation."""

from __future__ import annotations

import pytest

from divert.catalog.citation import find_citation, parse_citation
from divert.catalog.model import Citation

A16 = Citation("35", "780-113", ("a", "16"))


@pytest.mark.parametrize(
    "text",
    [
        "35 § 780-113 §§ A16",
        "35 § 780-113 §§ A16*",
        "35 § 780-113 §§ A16**",
        "35 P.S. § 780-113(a)(16)",
        "35 PS 780-113 A16",
        "35 P.S. 780-113(a)(16)",
        "CS 780-113(a)(16)",
        "cs 780-113(A)(16)",
        "  35   p.s.  §   780-113 ( a ) ( 16 )  ",
        "35 ยง 780-113 ยงยง A16",
        "35 Â§ 780-113 Â§Â§ A16",
        "780-113(a)(16)",
        "35 §780-113 §§A16",
    ],
)
def test_every_form_of_a16_reads_the_same(text: str) -> None:
    assert parse_citation(text) == A16
    assert str(parse_citation(text)) == "35 P.S. § 780-113(a)(16)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 Pa.C.S. § 3929(a)(1)", "18 Pa.C.S. § 3929(a)(1)"),
        ("18 § 3929 §§ A1", "18 Pa.C.S. § 3929(a)(1)"),
        ("75 § 3802 §§ A1*", "75 Pa.C.S. § 3802(a)(1)"),
        ("18 Pa.C.S.A. § 903", "18 Pa.C.S. § 903"),
        ("18 Pa. Cons. Stat. § 6106", "18 Pa.C.S. § 6106"),
        ("18 § 3701 §§ A1I", "18 Pa.C.S. § 3701(a)(1)(i)"),
        ("35 § 780-113 §§ A31III", "35 P.S. § 780-113(a)(31)(iii)"),
        ("18 § 5123 §§ A.2", "18 Pa.C.S. § 5123(a.2)"),
        ("18 § 3124.1", "18 Pa.C.S. § 3124.1"),
    ],
)
def test_other_titles_and_clauses(text: str, expected: str) -> None:
    assert str(parse_citation(text)) == expected


@pytest.mark.parametrize("text", ["Simple Assault", "", "PWID", "1st Off", "(a)(16)"])
def test_non_citations_are_none(text: str) -> None:
    assert parse_citation(text) is None


def test_citation_inside_a_wording_is_found() -> None:
    assert find_citation("Poss - 35 P.S. 780-113(a)(16) (crack)") == A16
    assert find_citation("CS 780-113 A16 poss") == A16


@pytest.mark.parametrize(
    "text", ["DUI: Gen Imp/Inc of Driving Safely - 1st Off", "Possession 3 grams", "Murder"]
)
def test_numbers_in_prose_are_not_citations(text: str) -> None:
    assert find_citation(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Forms seen in later court lists (JAT statutes) and in lawyers' writing.
        ("35 Pa. Stat. § 780-113(a)(16)", "35 P.S. § 780-113(a)(16)"),
        ("35 Pa.Stat.Ann. § 780-113(a)(30)", "35 P.S. § 780-113(a)(30)"),
        ("75 § 3802 §§ A1*P", "75 Pa.C.S. § 3802(a)(1)(p)"),
        ("42 § 62A14 §§ A", "42 Pa.C.S. § 62A14(a)"),
        ("3 § 459-505-A §§ A2", "3 Pa.C.S. § 459-505-A(a)(2)"),
        ("CO § 101603A", "CO § 101603A"),
        ("LO § 100820", "LO § 100820"),
        ("18 § 3503 §§ B.11I", "18 Pa.C.S. § 3503(b.11)(i)"),
        ("18 ยง 903 ยงยง C", "18 Pa.C.S. § 903(c)"),
    ],
)
def test_later_court_forms(text: str, expected: str) -> None:
    citation = parse_citation(text)
    assert str(citation) == expected
    assert parse_citation(str(citation)) == citation  # the printed form reads back the same


@pytest.mark.parametrize("text", ["13(a)(16)", "13A16", "1st Off (a)(16)"])
def test_run_together_numbers_are_not_split_into_a_title_and_a_section(text: str) -> None:
    """'13(a)(16)' once read as title 1, section 3: digits are never split to make a title."""
    assert parse_citation(text) is None
