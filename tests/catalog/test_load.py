"""The catalog files load into a complete catalog, and mistakes in them name file and line."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO
from divert.catalog.citation import parse_cpcms_subsection
from divert.catalog.load import default_catalog, load_catalog
from divert.catalog.model import Category, Citation
from divert.errors import CatalogError

CLAUSES = [(str(n),) for n in range(1, 41)] + [
    ("31", "i"),
    ("31", "ii"),
    ("31", "iii"),
    ("35", "i"),
    ("35", "ii"),
    ("35", "iii"),
    ("38", "i"),
    ("38", "ii"),
]


def test_version_names_the_jurisdiction_and_the_data_date() -> None:
    assert default_catalog().version == "us-pa@2026-11-25"


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: "(a)(" + ")(".join(c) + ")")
def test_every_clause_of_780_113_a_is_listed(clause: tuple[str, ...]) -> None:
    offense = default_catalog().offenses[Citation("35", "780-113", ("a", *clause))]
    assert offense.title
    assert offense.source
    assert offense.category in Category


def test_the_policy_clauses_have_their_categories_grades_and_penalties() -> None:
    offenses = default_catalog().offenses
    a = {k.subsection[1:]: v for k, v in offenses.items() if k.section == "780-113"}
    assert a[("16",)].category is Category.SIMPLE_POSSESSION
    assert a[("19",)].category is Category.PURCHASE_BY_UNAUTHORIZED
    assert a[("30",)].category is Category.POSSESSION_WITH_INTENT_TO_DELIVER
    assert a[("31",)].category is a[("31", "i")].category is Category.MARIJUANA_SMALL_AMOUNT
    for clause in (("31", "i"), ("31", "ii"), ("31", "iii")):  # every small-amount clause
        assert a[clause].category is Category.MARIJUANA_SMALL_AMOUNT
        assert a[clause].drug == "marijuana"
    assert a[("32",)].category is Category.PARAPHERNALIA
    assert a[("31",)].drug == "marijuana"
    penalty = a[("31",)].max_penalty
    assert penalty is not None and penalty.max_prison_days == 30
    assert a[("16",)].grade == "M"
    assert a[("16",)].grades[0] == ("M", 369_944)  # A16 and A16*, A16** merged


def test_every_aopc_row_is_known_with_its_usual_grade() -> None:
    catalog = default_catalog()
    path = REPO / "catalog" / "us-pa" / "aopc_offenses.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4857
    known = 0
    for row in rows:
        citation = Citation(row["title"], row["section"], parse_cpcms_subsection(row["subsection"]))
        offense = catalog.lookup(citation)
        if row["description"].strip() and row["section"]:
            known += offense is not None
    # One row of the copied data is malformed (a quoting error) and is refused, with its line.
    assert known == 4856
    assert len(catalog.refused) == 1 and "aopc_offenses.csv:3974" in catalog.refused[0]
    counts = Counter[str]()
    for row in rows:
        if row["title"] == "35" and row["subsection"].rstrip("*") == "A30":
            counts[row["grade"]] += int(row["count"])
    offense = catalog.offenses[Citation("35", "780-113", ("a", "30"))]
    assert dict(offense.grades) == dict(counts)


def test_categories_follow_the_rules() -> None:
    lookup = default_catalog().lookup
    expected = {
        "18 § 6106 §§ A1": Category.FIREARM,
        "18 § 2702 §§ A1": Category.CRIME_OF_VIOLENCE,
        "18 § 2702 §§ A4": Category.OTHER,
        "18 § 3502 §§ A1": Category.CRIME_OF_VIOLENCE,
        "18 § 3502 §§ A2": Category.PROPERTY,
        "18 § 3701 §§ A1V": Category.PROPERTY,
        "18 § 3929 §§ A1": Category.RETAIL_THEFT,
        "75 § 3802 §§ A1": Category.DUI,
        "18 § 5123 §§ A.2": Category.DRUG_OTHER,
        "35 § 780-114": Category.DRUG_OTHER,
    }
    for citation, category in expected.items():
        offense = lookup(citation)
        assert offense is not None and offense.category is category, citation


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "us-pa"
    shutil.copytree(REPO / "catalog" / "us-pa", folder)
    return folder


def test_an_unknown_category_names_file_and_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "t35-780-113.yaml"
    path.write_text(path.read_text().replace("category: simple_possession", "category: posession"))
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    message = str(error.value)
    assert "t35-780-113.yaml:" in message and "unknown category 'posession'" in message
    line = int(message.split("t35-780-113.yaml:")[1].split(":")[0])
    assert 'sub: [a, "16"]' in path.read_text().splitlines()[line - 1]


def test_an_alias_without_a_source_or_to_an_unknown_offense_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "aliases.yaml"
    path.write_text(
        path.read_text()
        + '  - {wording: "Zz One", citation: "35 P.S. § 780-113(a)(16)", seen: 2026-01-01}\n'
        + '  - {wording: "Zz Two", citation: "99 Pa.C.S. § 1", source: x, seen: 2026-01-01}\n'
    )
    with pytest.raises(CatalogError) as error:
        load_catalog(folder)
    lines = str(error.value).splitlines()
    assert any("needs 'source' and 'seen'" in m for m in lines)
    assert any("'Zz Two' cites 99 Pa.C.S. § 1" in m for m in lines)


def test_a_missing_data_date_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    meta = folder / "catalog.yaml"
    meta.write_text(meta.read_text().replace("data_date: 2026-11-25", "data_date: soon"))
    with pytest.raises(CatalogError, match="data_date"):
        load_catalog(folder)
