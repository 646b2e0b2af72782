"""Writing decisions: the same rows in CSV, Parquet and JSON Lines, contract columns first."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from divert.cli.output import (
    COLUMNS,
    deciding_rule_counts,
    outcome_counts,
    output_format,
    unread_wordings,
    write_decisions,
    write_decisions_json,
)
from divert.errors import InputFormatError
from divert.policy.explain import ChargeFinding, Decision, Outcome, PolicyRef

REF = PolicyRef("phl-test", 2, "ab" * 32, date(2026, 7, 1))


def _decision(case_id: str, outcome: Outcome, because: tuple[str, ...], wording: str,
              category: str | None) -> Decision:  # fmt: skip
    finding = ChargeFinding(0, wording, None, category, "unknown" if category is None else
                            "description", 0.0 if category is None else 1.0, "us-pa@test",
                            "no catalog entry matches" if category is None else None)  # fmt: skip
    return Decision(case_id, outcome, because, (), (finding,), ("charge.category",)
                    if category is None else (), REF, date(2026, 7, 1), "as_of", "inprocess",
                    ("Only the most serious charge was published.",))  # fmt: skip


DECISIONS = (
    _decision("C-1", Outcome.DIVERT, ("top-charge-possession",), "Int Poss", "simple_possession"),
    _decision("C-2", Outcome.PROSECUTE, ("pwid",), "Mfg Del", "possession_with_intent_to_deliver"),
    _decision("C-3", Outcome.NEEDS_REVIEW, ("unread",), "Xyzzy Offense", None),
    _decision("C-4", Outcome.NEEDS_REVIEW, ("unread",), "Xyzzy Offense", None),
    _decision("C-5", Outcome.PROSECUTE, (), "Theft", "property"),
)


def _read(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        rows = pq.read_table(path).to_pylist()
    return [{k: str(v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_one_row_per_case_with_the_contract_columns_first(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"decisions{suffix}"
    assert write_decisions(DECISIONS, out) == 5
    rows = _read(out)
    assert list(rows[0])[:6] == [
        "case_id", "outcome", "because", "policy_id", "policy_version", "policy_sha256",
    ]  # fmt: skip
    assert tuple(rows[0]) == COLUMNS
    assert [(r["case_id"], r["outcome"], r["because"]) for r in rows] == [
        ("C-1", "divert", "top-charge-possession"),
        ("C-2", "prosecute", "pwid"),
        ("C-3", "needs_review", "unread"),
        ("C-4", "needs_review", "unread"),
        ("C-5", "prosecute", ""),
    ]
    assert rows[2]["unread_charges"] == "Xyzzy Offense"
    assert rows[2]["unknowns"] == "charge.category"
    assert {(r["policy_id"], r["policy_version"], r["policy_sha256"]) for r in rows} == {
        ("phl-test", "2", "ab" * 32)
    }


def test_an_unknown_output_extension_is_refused_before_any_work() -> None:
    with pytest.raises(InputFormatError, match=r"use \.csv, \.parquet or \.jsonl"):
        output_format(Path("decisions.xlsx"))


def test_full_decisions_are_written_as_json_lines(tmp_path: Path) -> None:
    out = tmp_path / "full.jsonl"
    write_decisions_json(DECISIONS[:2], out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [d.to_json() for d in DECISIONS[:2]]


def test_the_summary_counts_outcomes_deciding_rules_and_unread_wordings() -> None:
    assert outcome_counts(DECISIONS) == [("prosecute", 2), ("needs_review", 2), ("divert", 1)]
    assert deciding_rule_counts(DECISIONS) == [
        ("needs_review", "unread", 2),
        ("divert", "top-charge-possession", 1),
        ("prosecute", "pwid", 1),
        ("prosecute", "(default)", 1),
    ]
    assert unread_wordings(DECISIONS) == [("Xyzzy Offense", 2, "no catalog entry matches")]


def test_a_wording_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.invalid","click")'
    decisions = (_decision("+C-9", Outcome.NEEDS_REVIEW, ("unread",), formula, None),)
    out = tmp_path / "screened.csv"
    write_decisions(decisions, out)
    row = _read(out)[0]
    assert row["case_id"] == "'+C-9"
    assert all(not v.startswith(("=", "+", "-", "@")) for v in row.values())
