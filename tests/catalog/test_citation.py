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
