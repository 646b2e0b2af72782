"""The DuckDB engine as a user meets it: files in, files out, clear errors, the edges of the law."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from divert.engines.duckdb import screen_duckdb
from divert.errors import InputFormatError
from divert.policy.explain import Outcome
from divert.policy.language import parse_condition
from divert.policy.model import Default, Policy, PolicyVersion, Rule


def _rule(rid: str, when: str, outcome: Outcome, overrides: tuple[str, ...] = ()) -> Rule:
    return Rule(rid, "1", parse_condition(when), when, outcome, "", overrides=overrides)


V1 = PolicyVersion(
    "p", "t", "US-PA", 1, "adopted", date(2026, 1, 1), date(2026, 6, 30), "filing_date", {},
    (_rule("pwid", "any charge is possession_with_intent_to_deliver", Outcome.PROSECUTE),
     _rule("possession-only", "every charge is simple_possession", Outcome.DIVERT)),
    Default(Outcome.PROSECUTE, ""), "sha-1")
V2 = PolicyVersion(
    "p", "t", "US-PA", 2, "adopted", date(2026, 7, 1), None, "filing_date", {},
    (*V1.rules, _rule("open-diversion", "person.open_diversions >= 1", Outcome.NEEDS_REVIEW,
                      ("possession-only",))),
    Default(Outcome.PROSECUTE, ""), "sha-2")
POLICY = Policy("p", (V1, V2))

CASES = pa.table({
    "case_id": ["poss-june", "poss-july", "pwid", "empty", "unread", "undated"],
    "filing_date": [date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 1), date(2026, 7, 1),
                    date(2026, 3, 1), None],
    "person_id": ["a", "a", "b", None, "b", "a"],
})  # fmt: skip
CHARGES = pa.table({
    "case_id": ["poss-june", "poss-july", "pwid", "pwid", "unread", "undated"],
    "idx": [0, 0, 0, 1, 0, 0],
    "category": ["simple_possession", "simple_possession", "simple_possession",
                 "possession_with_intent_to_deliver", None, "simple_possession"],
})  # fmt: skip
PERSONS = pa.table({"person_id": ["a", "b"], "open_diversions": [1, 0]})


def by_case(result: pa.Table) -> dict[str, dict[str, object]]:
    return {row["case_id"]: row for row in result.to_pylist()}


def test_each_case_gets_the_version_in_force_on_its_filing_date() -> None:
    rows = by_case(screen_duckdb(POLICY, CASES, CHARGES, PERSONS))
    assert rows["poss-june"]["policy_version"] == 1
    assert (rows["poss-june"]["outcome"], rows["poss-june"]["because"]) == ("divert",
                                                                            "possession-only")
    assert rows["poss-july"]["policy_version"] == 2  # the day v2 takes effect: the open
    assert rows["poss-july"]["outcome"] == "needs_review"  # diversion now matters
    assert rows["poss-july"]["because"] == "open-diversion"
    assert rows["poss-july"]["policy_sha256"] == "sha-2"


def test_a_case_with_no_charges_has_no_pwid_and_every_charge_is_possession() -> None:
    row = by_case(screen_duckdb(POLICY, CASES, CHARGES, PERSONS))["empty"]
    assert row["truth:pwid"] is False  # any over no charges is false
    assert row["truth:possession-only"] is True  # every over no charges is true
    assert row["truth:open-diversion"] is None  # no person record: unknown, not zero
    assert (row["outcome"], row["because"]) == ("needs_review", "open-diversion")


def test_an_unread_charge_is_unknown_and_sends_the_case_to_review() -> None:
    row = by_case(screen_duckdb(POLICY, CASES, CHARGES, PERSONS))["unread"]
    assert row["truth:pwid"] is None and row["truth:possession-only"] is None
    # pwid would only confirm the default (prosecute), so only possession-only matters.
    assert (row["outcome"], row["because"]) == ("needs_review", "possession-only")


def test_a_case_without_a_date_is_not_screened_and_not_dropped() -> None:
    rows = by_case(screen_duckdb(POLICY, CASES, CHARGES, PERSONS))
    assert len(rows) == CASES.num_rows
    assert rows["undated"]["policy_version"] is None and rows["undated"]["outcome"] is None


def test_screening_as_of_a_date_uses_that_version_for_every_case() -> None:
    rows = by_case(screen_duckdb(POLICY, CASES, CHARGES, PERSONS, on=date(2026, 2, 1)))
    assert {r["policy_version"] for r in rows.values()} == {1}


def test_parquet_and_csv_files_give_the_same_answer_as_arrow_tables(tmp_path: Path) -> None:
    expected = screen_duckdb(POLICY, CASES, CHARGES, PERSONS).sort_by("case_id")
    for name, table in (("cases", CASES), ("charges", CHARGES), ("persons", PERSONS)):
        pq.write_table(table, tmp_path / f"{name}.parquet")
        pacsv.write_csv(table, tmp_path / f"{name}.csv")
    for ext in ("parquet", "csv"):
        out = screen_duckdb(POLICY, *(tmp_path / f"{n}.{ext}" for n in ("cases", "charges",
                                                                          "persons")),
                            out=tmp_path / f"out-{ext}.parquet")
        assert pq.read_table(out).sort_by("case_id").to_pylist() == expected.to_pylist()


def test_results_stream_to_a_csv_file(tmp_path: Path) -> None:
    out = screen_duckdb(POLICY, CASES, CHARGES, PERSONS, out=tmp_path / "decisions.csv")
    written = pacsv.read_csv(out)
    assert written.num_rows == CASES.num_rows
    assert written.column_names[:6] == ["case_id", "policy_id", "policy_version",
                                        "policy_sha256", "outcome", "because"]


def test_a_missing_column_is_refused_naming_the_file_and_the_column(tmp_path: Path) -> None:
    pq.write_table(CASES.drop_columns(["filing_date"]), tmp_path / "cases.parquet")
    with pytest.raises(InputFormatError) as error:
        screen_duckdb(POLICY, tmp_path / "cases.parquet", CHARGES, PERSONS)
    assert "cases.parquet" in str(error.value)
    assert "missing column(s) filing_date" in str(error.value)


def test_a_file_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="the charges file does not exist"):
        screen_duckdb(POLICY, CASES, tmp_path / "charges.parquet", PERSONS)


def test_charges_given_as_wording_are_read_once_per_distinct_wording() -> None:
    from divert.engines.layout import tables_from_cases
    from divert.model.case import Case, Charge

    wordings = ["Int Poss Contr Subst By Per Not Reg",
                "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
                "Ꝑossession of ☃ snow"]  # unicode the catalog cannot read: unknown
    cases = [Case(f"c{i}", tuple(Charge(w) for w in chosen), filing_date=date(2026, 7, 1))
             for i, chosen in enumerate([wordings[:1], wordings[:2], wordings[2:], []])]
    raw = pa.table({"case_id": ["c0", "c1", "c1", "c2"], "idx": [0, 0, 1, 0],
                    "as_written": [wordings[0], wordings[0], wordings[1], wordings[2]]})
    read = tables_from_cases(cases)  # the in-process engine's own reading, laid out
    dates = read.cases.select(["case_id", "filing_date", "person_id"])
    assert (screen_duckdb(POLICY, dates, raw).sort_by("case_id").to_pylist()
            == screen_duckdb(POLICY, dates, read.charges).sort_by("case_id").to_pylist())
    row = by_case(screen_duckdb(POLICY, dates, raw))["c2"]
    assert row["truth:pwid"] is None  # the unread wording is unknown, not "not PWID"


def test_divert_screen_on_duckdb_writes_what_the_in_process_engine_writes(
    tmp_path: Path,
) -> None:
    import csv

    from typer.testing import CliRunner

    from conftest import FILINGS
    from divert.cli import app

    contract = ("case_id", "outcome", "because", "policy_id", "policy_version",
                "policy_sha256", "as_of", "unread_charges")
    written = {}
    for engine in ("inprocess", "duckdb"):
        out = tmp_path / f"{engine}.csv"
        result = CliRunner().invoke(app, ["screen", str(FILINGS), "--policy", "phl-dao-2018",
                                          "--out", str(out), "--engine", engine])
        assert result.exit_code == 0, result.output
        with out.open(newline="", encoding="utf-8") as handle:
            written[engine] = [{k: row[k] for k in contract} for row in csv.DictReader(handle)]
    assert len(written["duckdb"]) == 9_288
    assert written["duckdb"] == written["inprocess"]


def test_divert_screen_refuses_an_unknown_engine(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from conftest import FILINGS
    from divert.cli import app

    result = CliRunner().invoke(app, ["screen", str(FILINGS), "--policy", "phl-dao-2018",
                                      "--out", str(tmp_path / "o.csv"), "--engine", "pandas"])
    assert result.exit_code == 2
    assert "unknown engine 'pandas'" in result.output
