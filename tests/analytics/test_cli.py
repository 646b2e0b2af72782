"""`divert simulate` and `divert report` from the terminal, on the real filings."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from conftest import FILINGS
from divert.cli import app

runner = CliRunner()


def test_simulate_prints_the_changes_and_writes_every_case(tmp_path: Path) -> None:
    diff = tmp_path / "diff.csv"
    got = runner.invoke(app, ["simulate", "--data", str(FILINGS), "--diff", str(diff)])
    assert got.exit_code == 0, got.output
    assert "needs_review → divert" in got.output
    assert "slots needed" in got.output
    with diff.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9288
    assert sum(r["candidate"] == "divert" for r in rows) == 498


def test_report_refuses_an_output_it_cannot_write_before_any_work(tmp_path: Path) -> None:
    got = runner.invoke(app, ["report", "--data", str(FILINGS), "--out", str(tmp_path / "r.docx")])
    assert got.exit_code == 2
    assert "--out must end in .html or .pdf, got 'r.docx'" in got.output


def test_an_unknown_policy_is_named(tmp_path: Path) -> None:
    got = runner.invoke(app, ["report", "--policy", "phl-nope", "--data", str(FILINGS),
                              "--out", str(tmp_path / "r.html")])
    assert got.exit_code == 2
    assert "no policy 'phl-nope'" in got.output
