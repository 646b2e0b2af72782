"""`divert ingest FILE`: the counts, the refused rows with line numbers, and exit codes."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from divert.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()
ENV = {"COLUMNS": "200"}


def _plain(text: str) -> str:
    return " ".join(text.split())


def test_a_broken_csv_loads_the_good_rows_and_lists_the_bad_ones_with_line_numbers() -> None:
    broken = FIXTURES / "phl_filings_broken.csv"
    result = runner.invoke(app, ["ingest", str(broken)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = _plain(result.output)
    assert "rows read │ 15" in out and "rows refused │ 9" in out and "cases │ 3" in out
    assert f"{broken}:6: column 'bail_type': value 'Cash': is not one of" in out
    assert f"{broken}:4: expected 16 columns, found 15" in out
    assert "Refused (first 9 of 9)" in out


def test_show_limits_how_many_refusals_are_listed() -> None:
    broken = FIXTURES / "phl_filings_broken.csv"
    result = runner.invoke(app, ["ingest", str(broken), "--show", "2"], env={"COLUMNS": "200"})
    assert "Refused (first 2 of 9)" in result.output
    assert f"{broken}:6:" not in result.output


def test_a_file_that_is_not_a_case_file_exits_2_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(app, ["ingest", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "is a binary file, not a text table" in result.output
    assert "Traceback" not in result.output


def test_every_refusal_and_warning_can_be_written_to_a_csv(tmp_path: Path) -> None:
    broken = FIXTURES / "phl_filings_broken.csv"
    out = tmp_path / "refused.csv"
    result = runner.invoke(app, ["ingest", str(broken), "--refusals-out", str(out)], env=ENV)
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in rows] == [4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    assert rows[2] == {
        "path": str(broken),
        "line": "6",
        "column": "bail_type",
        "value": "Cash",
        "reason": "is not one of Monetary, Unsecured, ROR, Nonmonetary",
    }
