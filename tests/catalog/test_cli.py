"""`divert catalog match` and `divert catalog show`, run as a user runs them."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from divert.cli import app

runner = CliRunner()


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_match_writes_one_reading_per_row_in_order(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "charges.csv",
        [
            {"id": "1", "charge": "Int Poss Contr Subst By Per Not Reg", "statute": ""},
            {"id": "2", "charge": "CS-POSS ??", "statute": ""},
            {"id": "3", "charge": "", "statute": "35 § 780-113 §§ A30"},
            {"id": "4", "charge": "Conspiracy - PWID", "statute": ""},
        ],
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        [
            "catalog",
            "match",
            str(source),
            "--description-column",
            "charge",
            "--citation-column",
            "statute",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]
    assert list(rows[0])[:9] == [
        "row",
        "citation",
        "title",
        "section",
        "subsection",
        "category",
        "grade",
        "confidence",
        "matched_by",
    ]
    assert rows[0]["citation"] == "35 P.S. § 780-113(a)(16)"
    assert rows[0]["section"] == "780-113" and rows[0]["subsection"] == "(a)(16)"
    assert rows[0]["category"] == "simple_possession" and rows[0]["grade"] == "M"
    assert rows[1]["category"] == "unknown" and rows[1]["matched_by"] == "unknown"
    assert "not sure" in rows[1]["reason"]
    assert rows[2]["matched_by"] == "citation"
    assert rows[2]["category"] == "possession_with_intent_to_deliver"
    assert rows[3]["inchoate"] == "conspiracy"


def test_a_missing_column_names_it_and_the_columns_that_exist(tmp_path: Path) -> None:
    source = _write(tmp_path / "charges.csv", [{"id": "1", "offense": "PWID"}])
    result = runner.invoke(
        app,
        [
            "catalog",
            "match",
            str(source),
            "--description-column",
            "charge",
            "--out",
            str(tmp_path / "out.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "no column 'charge'" in result.output
    assert "its columns are: id, offense" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_show_prints_the_entry_with_its_sources() -> None:
    result = runner.invoke(app, ["catalog", "show", "35 § 780-113 §§ A31"])
    assert result.exit_code == 0, result.output
    assert "35 P.S. § 780-113(a)(31)" in result.output
    assert "category: marijuana_small_amount" in result.output
    assert "drug: marijuana" in result.output
    assert "§ 780-113(g)" in result.output


def test_show_refuses_what_is_not_a_citation() -> None:
    result = runner.invoke(app, ["catalog", "show", "Simple Assault"])
    assert result.exit_code == 2
    assert "cannot read 'Simple Assault' as a citation" in result.output


def test_match_writes_the_citation_as_written_even_when_unknown(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "charges.csv",
        [
            {"charge": "Criminal Attempt", "statute": "18 § 901 §§ A"},
            {"charge": "", "statute": "75 § 1543 §§ B1i"},
        ],
    )
    out = tmp_path / "out.csv"
    args = ["catalog", "match", str(source), "--description-column", "charge",
            "--citation-column", "statute", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        attempt, license_ = list(csv.DictReader(handle))
    assert (attempt["category"], attempt["citation"]) == ("unknown", "18 Pa.C.S. § 901(a)")
    assert (license_["citation"], license_["subsection"]) == (
        "75 Pa.C.S. § 1543(b)(1)(i)", "(b)(1)(i)")
