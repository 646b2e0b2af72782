"""`divert screen` and `divert explain` on the real filings and on a deliberately broken CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import FILINGS
from divert.cli import app
from divert.engines.inprocess import TOP_CHARGE_NOTE
from divert.ingest.phl_filings import read_phl_filings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = FIXTURES / "phl_filings_broken.csv"
POLICY = "phl-dao-simple-possession"
ENV = {"COLUMNS": "200"}
runner = CliRunner()

POSSESSION = {"35 P.S. § 780-113(a)(16)", "35 P.S. § 780-113(a)(19)"}
PWID = "35 P.S. § 780-113(a)(30)"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[dict[str, str]], list[Any]]:
    folder = tmp_path_factory.mktemp("screen")
    out, full = folder / "decisions.csv", folder / "decisions.jsonl"
    result = runner.invoke(
        app,
        ["screen", str(FILINGS), "--policy", POLICY, "--out", str(out),
         "--decisions-jsonl", str(full)],
        env=ENV,
    )  # fmt: skip
    decisions = [json.loads(line) for line in full.read_text(encoding="utf-8").splitlines()]
    return result, _csv(out), decisions


def test_every_real_case_is_decided_and_none_is_lost(real: Any) -> None:
    result, rows, _ = real
    assert result.exit_code == 0, result.output
    expected = [fc.case_id for fc in read_phl_filings(FILINGS).cases]
    assert [r["case_id"] for r in rows] == expected
    assert len(rows) == 9_288
    assert {r["outcome"] for r in rows} <= {"divert", "prosecute", "decline", "needs_review",
                                            "out_of_scope"}
    assert all(r["policy_id"] == POLICY and len(r["policy_sha256"]) == 64 for r in rows)


def test_no_live_decision_diverts_a_case_whose_other_charges_are_not_published(
    real: Any,
) -> None:
    # The feed publishes only the top charge and no record: a possession top charge goes to
    # review, never to a diversion on an assumed fact; an adult's PWID is prosecuted.
    _, _, decisions = real
    top = [(d["charges"][0]["citation"], d["outcome"], d["because"]) for d in decisions]
    possession = [(o, b) for citation, o, b in top if citation in POSSESSION]
    assert len(possession) > 300
    assert {o for o, _ in possession} <= {"needs_review", "out_of_scope"}
    assert sum("top-charge-unknown" in b for _, b in possession) > 300
    adult_pwid = [d["outcome"] for d in decisions if d["charges"][0]["citation"] == PWID
                  and "juvenile" not in d["because"]]
    assert len(adult_pwid) > 1_000 and set(adult_pwid) == {"prosecute"}
    assert not any(d["outcome"] == "divert" for d in decisions)


def test_the_summary_lists_outcomes_rules_and_every_unread_wording(real: Any) -> None:
    result, rows, decisions = real
    unread = {c["as_written"] for d in decisions for c in d["charges"] if c["category"] is None}
    for wording in unread:
        assert wording in result.output
    assert "Charge wordings the catalog could not read" in result.output
    assert "9,288 cases screened" in result.output
    assert "9,288 cases were filed before phl-dao-simple-possession took effect" in " ".join(
        result.output.split()
    )
    assert "top-charge-unknown" in result.output
    review = sum(1 for r in rows if r["outcome"] == "needs_review")
    assert f"needs_review │ {review:,}" in " ".join(result.output.split())


@pytest.fixture(scope="module")
def what_if(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, list[Any]]:
    folder = tmp_path_factory.mktemp("what-if")
    out, full = folder / "decisions.csv", folder / "decisions.jsonl"
    result = runner.invoke(
        app,
        ["screen", str(FILINGS), "--policy", POLICY, "--out", str(out),
         "--decisions-jsonl", str(full), "--assume", "hidden_charges_lesser",
         "--assume", "no_unpublished_record"],
        env=ENV,
    )  # fmt: skip
    return result, [json.loads(line) for line in full.read_text(encoding="utf-8").splitlines()]


def test_under_the_named_assumptions_diverted_cases_say_so_and_name_their_vehicle(
    what_if: Any,
) -> None:
    result, decisions = what_if
    assert result.exit_code == 0, result.output
    diverted = [d for d in decisions if d["outcome"] == "divert"]
    assert len(diverted) > 300
    assert all(d["vehicle"] == "section-18" and d["because"] == ["top-charge-assumed"]
               for d in diverted)
    assert all(TOP_CHARGE_NOTE in d["notes"] for d in diverted)
    assert all(d["assumptions"] == ["assume.hidden_charges_lesser",
                                    "assume.no_unpublished_record"] for d in diverted)
    # Money bail or custody keeps a possession case in review even under the assumption.
    cases = {fc.case_id: fc.case for fc in read_phl_filings(FILINGS).cases}
    kept = [cases[d["case_id"]] for d in decisions if d["because"] == ["top-charge-unknown"]]
    assert kept and all(c.money_bail or c.held for c in kept)
    assert all(not (cases[d["case_id"]].money_bail or cases[d["case_id"]].held)
               for d in diverted)


def test_an_unknown_assumption_exits_2_naming_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(BROKEN), "--policy", POLICY, "--out",
                                 str(tmp_path / "x.csv"), "--assume", "everyone_is_innocent"],
                           env=ENV)  # fmt: skip
    assert result.exit_code == 2
    assert "'everyone_is_innocent' is not a what-if assumption" in result.output
    assert "hidden_charges_lesser" in result.output


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_parquet_and_json_lines_outputs_hold_the_same_rows(tmp_path: Path, suffix: str) -> None:
    rows = {}
    for kind in (".csv", suffix):
        out = tmp_path / f"out{kind}"
        result = runner.invoke(app, ["screen", str(BROKEN), "--policy", POLICY, "--out", str(out)])
        assert result.exit_code == 0, result.output
        if kind == ".csv":
            rows[kind] = _csv(out)
        elif kind == ".parquet":
            rows[kind] = [{k: str(v) for k, v in r.items()} for r in pq.read_table(out).to_pylist()]
        else:
            lines = out.read_text(encoding="utf-8").splitlines()
            rows[kind] = [{k: str(v) for k, v in json.loads(x).items()} for x in lines]
    assert rows[suffix] == rows[".csv"]
    assert [r["case_id"] for r in rows[".csv"]] == ["C-00000000000a", "C-00000000000b",
                                                     "C-00000000000c"]  # fmt: skip


def test_a_broken_csv_is_screened_with_its_refusals_listed_by_line(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["screen", str(BROKEN), "--policy", POLICY, "--out", str(out)],
                           env=ENV)  # fmt: skip
    assert result.exit_code == 0
    assert f"{BROKEN}:4: expected 16 columns, found 15" in result.output
    assert "rows refused │ 9" in " ".join(result.output.split())
    assert len(_csv(out)) == 3


def test_by_case_date_refuses_cases_filed_before_the_policy_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["screen", str(BROKEN), "--policy", POLICY, "--out", str(out), "--by-case-date"],
        env=ENV,
    )
    assert result.exit_code == 1
    assert "not screened: case C-00000000000a: policy phl-dao-simple-possession has no " \
           "version in force on 2021-09-01" in result.output  # fmt: skip
    assert _csv(out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "no-such-policy", "--out", "x.csv"], "no policy 'no-such-policy'; known"),
        (["--policy", POLICY, "--out", "x.xlsx"], "use .csv, .parquet or .jsonl"),
    ],
)
def test_a_wrong_policy_or_output_exits_2_before_screening(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["screen", str(BROKEN), *args], env=ENV)
    assert result.exit_code == 2
    assert message in result.output


def test_explain_gives_the_deciding_clause_then_the_charge_reading() -> None:
    result = runner.invoke(app, ["explain", str(BROKEN), "C-00000000000a", "--policy", POLICY],
                           env=ENV)  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Case C-00000000000a: needs review by an ADA."
    why = lines.index("Why:")
    assert lines[why + 1].startswith("  needs_review: clause 2.2 — Only the most serious charge, ")
    assert "it is not known whether every charge is simple possession" in lines[why + 1]
    assert "Not every charge" not in result.output  # a fact the record does not hold
    changes = lines.index("What would change this decision:")
    assert any("needs_review" not in line for line in lines[changes + 1:changes + 4])
    assert "  1. 'Int Poss Contr Subst By Per Not Reg' was read as 35 P.S. § 780-113(a)(16), " \
           "simple possession" in result.output  # fmt: skip
    assert "it was screened as if filed on" in result.output


def test_explain_json_is_the_decision() -> None:
    result = runner.invoke(
        app, ["explain", str(BROKEN), "C-00000000000b", "--policy", POLICY, "--json"], env=ENV
    )
    decision = json.loads(result.output)
    assert decision["case_id"] == "C-00000000000b"
    assert decision["policy"]["id"] == POLICY
    assert decision["charges"][0]["as_written"] == "Int Poss Contr Subst By Per Not Reg"


def test_explain_an_unknown_case_exits_2() -> None:
    result = runner.invoke(app, ["explain", str(BROKEN), "C-nope", "--policy", POLICY], env=ENV)
    assert result.exit_code == 2
    assert "case C-nope is not among the 3 cases read from" in result.output


def test_a_generic_cases_table_is_screened_by_its_own_filing_dates(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    cases, persons = FIXTURES / "cases_generic.csv", FIXTURES / "persons_generic.csv"
    result = runner.invoke(
        app,
        ["screen", str(cases), "--persons", str(persons), "--policy", POLICY, "--out", str(out)],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["case_id"], r["outcome"], r["because"], r["as_of"]) for r in rows] == [
        ("G-1", "divert", "possession-amp-1", "2026-07-02"),
        ("G-2", "prosecute", "pwid", "2026-07-02"),
        ("G-3", "needs_review", "mixed-charges", "2026-07-02"),
        ("G-4", "needs_review", "top-charge-unknown", "2026-07-02"),
    ]
    assert [r["vehicle"] for r in rows] == ["amp-1", "", "", ""]
    assert f"{cases}:7: column 'filing_date': value 'not-a-date'" in result.output
    assert "filed before" not in result.output


def test_as_of_chooses_the_version_for_every_case(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    args = ["screen", str(BROKEN), "--policy", POLICY, "--out", str(out), "--as-of", "2026-06-30"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert {(r["policy_version"], r["as_of"]) for r in _csv(out)} == {("3", "2026-06-30")}
    assert "filed before" not in result.output


def test_explain_names_the_vehicle_its_conditions_and_the_bars_it_checked() -> None:
    cases, persons = FIXTURES / "cases_generic.csv", FIXTURES / "persons_generic.csv"
    result = runner.invoke(app, ["explain", str(cases), "G-1", "--policy", POLICY,
                                 "--persons", str(persons)], env=ENV)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Case G-1: divert via amp-1."
    assert "Through Accelerated Misdemeanor Program, tier I (AMP I)" in result.output
    assert "  Bar checked, prior-conviction: AMP I is for first-time offenders; a prior " \
           "conviction bars it." in lines
    # computed by the same rules: one prior conviction moves the case to Section 18
    assert "  - if person.prior_convictions were 1: divert via section-18" in lines
