"""`divert simulate` and `divert report` from the terminal, on the real filings."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from conftest import FILINGS
from divert.cli import app
from divert.engines.screening import screen
from divert.ingest.phl_filings import read_phl_filings
from divert.policy import whatif
from divert.policy.load import load_policies
from divert.policy.select import Mode

runner = CliRunner()


def test_simulate_prints_the_changes_and_writes_every_case(tmp_path: Path) -> None:
    diff = tmp_path / "diff.csv"
    got = runner.invoke(app, ["simulate", "--data", str(FILINGS), "--diff", str(diff)])
    assert got.exit_code == 0, got.output
    assert "needs_review → divert" in got.output
    assert "slots needed" in got.output
    said = " ".join(got.output.split())
    assert "On the data alone the proposal diverts 0 cases" in said
    assert "Every figure below assumes assume.hidden_charges_lesser, " \
           "assume.no_unpublished_record (a what-if, not live decisions)." in said
    # the report's headline, from the same registry: beyond today's 28% to 39%
    assert "The report's figures" in said and "51 to 61" in said
    with diff.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9288
    # The same diversions `divert screen` finds under the same named assumptions.
    policy = load_policies()["phl-dao-simple-possession"]
    cases = [fc.case for fc in read_phl_filings(FILINGS).cases]
    assume = whatif.parse(["hidden_charges_lesser", "no_unpublished_record"])
    expected = {d.case_id for d in screen(cases, policy, Mode.AS_OF,
                                          on=policy.latest().effective_from,
                                          assume=assume).decisions if d.outcome.value == "divert"}
    assert {r["case_id"] for r in rows if r["candidate"] == "divert"} == expected
    assert len(expected) > 400


def test_report_refuses_an_output_it_cannot_write_before_any_work(tmp_path: Path) -> None:
    got = runner.invoke(app, ["report", "--data", str(FILINGS), "--out", str(tmp_path / "r.docx")])
    assert got.exit_code == 2
    assert "--out must end in .html or .pdf, got 'r.docx'" in got.output


def test_an_unknown_policy_is_named(tmp_path: Path) -> None:
    got = runner.invoke(app, ["report", "--policy", "phl-nope", "--data", str(FILINGS),
                              "--out", str(tmp_path / "r.html")])
    assert got.exit_code == 2
    assert "no policy 'phl-nope'" in got.output
