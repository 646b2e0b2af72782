"""`divert policy diff … --data FILE`: past cases re-screened under two policies, by hand.

Every expectation below was worked out by reading the shipped policy files, not by running
the code: phl-dao-2018 v2 prosecutes non-marijuana possession (`possession-charged`) and
declines marijuana (`marijuana-only`); the draft proposal v3 declines the same marijuana
(`marijuana-only`), diverts possession-only cases only when it knows the person has no open
diversion (`open-diversion` sends the rest to review), sends possession mixed with other
charges to review (`mixed-charges`), and prosecutes PWID (`pwid`). v1 and v2 of the
proposal, corrected by v3, can still be pinned (`@1`, `@2`) and compared.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FILINGS, REPO
from divert.cli import app
from divert.policy.outcome_diff import CSV_COLUMNS

POSSESSION = "Int Poss Contr Subst By Per Not Reg"
HEADER = "case_id,filing_date,charge,citation,person_id,charge_scope,drug,grade,age\n"


def _cases(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _diff(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["policy", "diff", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout


def _rescreen_report(out: str) -> list[str]:
    return out[out.index("Re-screened"):].splitlines()


def test_two_policies_changes_counted_by_direction_and_deciding_rules(tmp_path: Path) -> None:
    data = _cases(tmp_path, [
        f"A-1,2026-07-02,{POSSESSION},,Q-1,complete,heroin,M,30",   # prosecute → needs_review
        "A-2,2026-07-02,Marijuana-Small Amt Personal Use,,Q-2,complete,,,30",  # declined both
        "A-3,2026-07-02,35 § 780-113 §§ A30,,Q-3,complete,,F,30",  # prosecuted both
        f"A-4,2026-07-02,{POSSESSION},,Q-4,complete,heroin,M,30",   # prosecute → needs_review
        "A-4,2026-07-02,Simple Assault,,Q-4,complete,,,30",
        "A-5,2026-07-02,35 § 780-113 §§ A16,,Q-1,complete,heroin,M,30",  # same person as A-1
    ])
    out_csv = tmp_path / "diff.csv"
    code, out = _diff("phl-dao-2018", "phl-dao-simple-possession", "--data", str(data),
                      "--out", str(out_csv))
    assert code == 0, out
    assert "rule possession-charged removed (clause B)" in out  # the words come first
    assert _rescreen_report(out) == [
        "Re-screened 5 cases under phl-dao-2018 and phl-dao-simple-possession: 3 change "
        "outcome (60.0%), 2 people.",
        "",
        "From → to (cases):",
        "  prosecute → needs_review: 3",
        "",
        "Rules that made the difference (phl-dao-2018 → phl-dao-simple-possession):",
        "  prosecute → needs_review: possession-charged → open-diversion: 2",
        "  prosecute → needs_review: possession-charged → mixed-charges: 1",
        "Wrote 5 rows to " + str(out_csv),
    ]
    with out_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["case_id"], r["changed"], r["old_outcome"], r["new_outcome"]) for r in rows] == [
        ("A-1", "yes", "prosecute", "needs_review"), ("A-2", "no", "decline", "decline"),
        ("A-3", "no", "prosecute", "prosecute"), ("A-4", "yes", "prosecute", "needs_review"),
        ("A-5", "yes", "prosecute", "needs_review"),
    ]
    assert rows[2]["old_because"] == "(default)" and rows[2]["new_because"] == "pwid"
    assert {r["old_policy"] for r in rows} == {"phl-dao-2018@2"}
    assert {r["new_policy"] for r in rows} == {"phl-dao-simple-possession@3"}


def test_under_the_record_assumption_the_same_cases_are_diverted_and_it_says_so(
    tmp_path: Path,
) -> None:
    data = _cases(tmp_path, [f"A-1,2026-07-02,{POSSESSION},,Q-1,complete,heroin,M,30"])
    code, out = _diff("phl-dao-2018", "phl-dao-simple-possession", "--data", str(data),
                      "--assume", "no_unpublished_record")
    assert code == 0, out
    report = _rescreen_report(out)
    assert "  prosecute → divert: possession-charged → possession-amp-1: 1" in report
    assert report[-1] == ("Both sides assume assume.no_unpublished_record (a what-if, not "
                          "live decisions).")


def test_two_versions_pinned_each_case_screened_under_both(tmp_path: Path) -> None:
    # Filed while v1 was in force: the pinned @2 still screens it under v2 (as if filed on
    # v2's first day), so the firearm rule v2 added makes the difference.
    data = _cases(tmp_path, [
        f"B-1,2026-03-01,{POSSESSION},,Q-1,complete,,,30",
        "B-1,2026-03-01,Firearms Not To Be Carried W/O License,,Q-1,complete,,,30",
        f"B-2,2026-03-01,{POSSESSION},,Q-2,complete,,,30",
    ])
    code, out = _diff("phl-dao-simple-possession@1", "phl-dao-simple-possession@2",
                      "--data", str(data))
    assert code == 0, out
    report = _rescreen_report(out)
    assert report[:5] == [
        "Re-screened 2 cases under phl-dao-simple-possession@1 and "
        "phl-dao-simple-possession@2: 1 change outcome (50.0%), 1 person.",
        "", "From → to (cases):", "  needs_review → prosecute: 1", "",
    ]
    assert "  needs_review → prosecute: mixed-charges → firearm: 1" in report
    assert report[-1] == ("2 cases were filed before phl-dao-simple-possession v2 took "
                          "effect; under it they were screened by v2 as if filed on "
                          "2026-07-01 (a what-if).")


def test_a_bare_id_selects_each_case_version_by_its_date(tmp_path: Path) -> None:
    # The bare id screens the 2026-03-01 case under v3 (v1, in force that day as recorded,
    # is corrected by v3), so it matches @3 and not @1.
    data = _cases(tmp_path, [
        f"C-1,2026-03-01,{POSSESSION},,Q-1,complete,,,30",
        "C-1,2026-03-01,Firearms Not To Be Carried W/O License,,Q-1,complete,,,30",
    ])
    for pinned, changed in (("@3", "0 change outcome (0.0%)."),
                            ("@1", "1 change outcome (100.0%), 1 person.")):
        code, out = _diff("phl-dao-simple-possession", f"phl-dao-simple-possession{pinned}",
                          "--data", str(data))
        assert code == 0, out
        assert _rescreen_report(out)[0] == (
            f"Re-screened 1 cases under phl-dao-simple-possession and "
            f"phl-dao-simple-possession{pinned}: {changed}")


def test_a_case_one_side_cannot_screen_is_kept_as_not_screened(tmp_path: Path) -> None:
    # 2025-12-01: phl-dao-2018 is in force, the proposal is not; --by-case-date refuses the
    # what-if, so that side says "not screened" instead of dropping the case.
    data = _cases(tmp_path, [f"D-1,2025-12-01,{POSSESSION},,Q-1,complete,heroin,M,30"])
    out_csv = tmp_path / "d.csv"
    code, out = _diff("phl-dao-2018", "phl-dao-simple-possession", "--data", str(data),
                      "--by-case-date", "--out", str(out_csv))
    assert code == 0, out
    assert "  prosecute → not screened: 1" in out
    with out_csv.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["new_outcome"] == "not screened"
    assert "2025-12-01" in row["new_because"]  # the reason names the date


def test_out_without_data_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["policy", "diff", "phl-dao-2018", "phl-pad", "--out",
                                      str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--out needs --data" in result.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.slow
def test_on_the_real_filings_it_agrees_with_the_committed_report(tmp_path: Path) -> None:
    # The report's changes CSV is built by the analytics simulation (another code path, kept
    # current by tests/test_docs.py); both must find the same cases changing the same way.
    # (Person ids are not compared: the simulation links the ids a case's rows carry into
    # one person, the case reader keeps the case's own.)
    out_csv = tmp_path / "diff.csv"
    code, out = _diff("phl-dao-2018", "phl-dao-simple-possession", "--data", str(FILINGS),
                      "--out", str(out_csv), "--assume", "hidden_charges_lesser",
                      "--assume", "no_unpublished_record")
    assert code == 0, out
    with out_csv.open(encoding="utf-8") as handle:
        mine = {(r["case_id"], r["direction"], r["old_because"],
                 r["new_because"]) for r in csv.DictReader(handle) if r["changed"] == "yes"}
    with (REPO / "docs/reports/phl-simple-possession-changes.csv").open(encoding="utf-8") as fh:
        report = {(r["case_id"], r["direction"], r["baseline_because"],
                   r["candidate_because"]) for r in csv.DictReader(fh)}
    assert mine == report
    assert len(mine) == len(report) > 400
