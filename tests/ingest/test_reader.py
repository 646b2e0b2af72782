"""`read_cases`: the filings feed by its header, or a generic cases table in three formats."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from divert.errors import InputFormatError
from divert.ingest.reader import read_cases
from divert.model.case import Charge, ChargeScope, PersonRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = FIXTURES / "cases_generic.csv"
PERSONS = FIXTURES / "persons_generic.csv"


def _as_records(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_cases_table_groups_charges_into_cases_and_joins_person_facts() -> None:
    got = read_cases(CASES, PERSONS)
    by_id = {c.case_id: c for c in got.cases}
    assert list(by_id) == ["G-1", "G-2", "G-3", "G-4"]
    assert by_id["G-3"].charges == (
        Charge("Int Poss Contr Subst By Per Not Reg"),
        Charge("Retail Theft-Take Mdse"),
    )
    assert by_id["G-2"].charges[0].grade == "F"
    assert by_id["G-4"].charges == (Charge("35 P.S. § 780-113(a)(16)", "35 P.S. § 780-113(a)(16)"),)
    assert by_id["G-4"].charge_scope is ChargeScope.TOP_CHARGE_ONLY
    assert by_id["G-1"].filing_date == date(2026, 7, 2)
    assert by_id["G-1"].person == PersonRecord("Q-1", 0, 0, 1, 0, prior_convictions=0)
    assert (by_id["G-1"].age, by_id["G-1"].money_bail, by_id["G-1"].held) == (34, False, False)
    assert (by_id["G-3"].age, by_id["G-3"].money_bail) == (41, None)
    assert by_id["G-2"].person == PersonRecord("Q-2", prior_drug_convictions=2)
    # a person missing from the facts file has every fact unknown, not zero
    assert by_id["G-3"].person == PersonRecord("Q-3")


def test_a_bad_cases_row_is_refused_with_its_line_and_the_counts_tie() -> None:
    got = read_cases(CASES, PERSONS)
    assert [str(r).removeprefix(str(CASES)) for r in got.refusals] == [
        ":7: column 'filing_date': value 'not-a-date': is not an ISO 8601 date (2026-07-02)"
    ]
    assert got.rows_read == 6 + 2
    assert got.rows_accepted == 7


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_json_lines_and_parquet_read_like_the_csv(tmp_path: Path, suffix: str) -> None:
    records = _as_records(CASES)
    path = tmp_path / f"cases{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(records), path)
    got, expected = read_cases(path, PERSONS), read_cases(CASES, PERSONS)
    assert got.cases == expected.cases
    # JSON Lines has no header line; Parquet rows count as if one came first, as in the CSV
    shift = 1 if suffix == ".jsonl" else 0
    assert [(r.line, r.column, r.reason) for r in got.refusals] == [
        (r.line - shift, r.column, r.reason) for r in expected.refusals
    ]
    assert got.format == f"cases-{suffix[1:]}"


def test_a_json_line_that_is_not_an_object_is_refused_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    good = {"case_id": "J-1", "filing_date": "2026-07-02", "charge": "Retail Theft-Take Mdse"}
    path.write_text(json.dumps(good) + "\n{not json\n[1, 2]\n", encoding="utf-8")
    got = read_cases(path)
    assert [c.case_id for c in got.cases] == ["J-1"]
    assert [(r.line, r.reason) for r in got.refusals] == [
        (2, "is not valid JSON (Expecting property name enclosed in double quotes)"),
        (3, "is not a JSON object"),
    ]


def test_rows_of_one_case_must_agree_on_its_date_and_person(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,filing_date,charge,person_id\n"
        "K-1,2026-07-02,Retail Theft-Take Mdse,Q-1\n"
        "K-1,2026-07-03,Retail Theft-Take Mdse,Q-1\n"
        "K-1,2026-07-02,Retail Theft-Take Mdse,Q-2\n",
        encoding="utf-8",
    )
    got = read_cases(path)
    assert len(got.cases[0].charges) == 1
    assert [(r.line, r.column, r.value) for r in got.refusals] == [
        (3, "filing_date", "2026-07-03"),
        (4, "person_id", "Q-2"),
    ]


def test_the_filings_feed_is_recognised_by_its_header() -> None:
    got = read_cases(FIXTURES / "phl_filings_broken.csv")
    assert got.format == "phl_filings"
    assert [c.case_id for c in got.cases] == [fc.case_id for fc in got.filed]
    assert got.rows_read == 15 and len(got.refusals) == 9


def test_person_facts_cannot_be_joined_to_the_pseudonymous_feed() -> None:
    with pytest.raises(InputFormatError, match="pseudonyms that no other source shares"):
        read_cases(FIXTURES / "phl_filings_broken.csv", PERSONS)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("other.csv", b"name,quantity\napples,3\n", "is not a case file: expected either"),
        ("broken.parquet", b"PAR1 not really", "is not a readable Parquet file"),
        ("empty.jsonl", b"\n", "is empty"),
    ],
)
def test_a_file_that_is_no_case_file_gets_one_sentence(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match=message):
        read_cases(path)


def test_a_person_facts_row_with_a_bad_count_is_refused(tmp_path: Path) -> None:
    persons = tmp_path / "persons.csv"
    persons.write_text("person_id,pad_contacts\nQ-1,two\nQ-1,2\nQ-1,3\n", encoding="utf-8")
    got = read_cases(CASES, persons)
    assert [(r.path, r.line, r.column, r.reason) for r in got.refusals[:2]] == [
        (str(persons), 2, "pad_contacts", "is not a whole number 0 or more"),
        (str(persons), 4, "person_id", "appears twice; keep one row"),
    ]


def test_a_stated_weight_is_read_in_whole_grams_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,filing_date,charge,drug,quantity_grams\n"
        "W-1,2026-07-02,Int Poss Contr Subst By Per Not Reg,cocaine,2.7\n"
        "W-2,2026-07-02,Int Poss Contr Subst By Per Not Reg,cocaine,\n"
        "W-3,2026-07-02,Int Poss Contr Subst By Per Not Reg,cocaine,two grams\n"
        "W-4,2026-07-02,Int Poss Contr Subst By Per Not Reg,cocaine,-1\n",
        encoding="utf-8",
    )
    got = read_cases(path)
    grams = {c.case_id: c.charges[0].quantity_grams for c in got.cases}
    # 2.7 g is "2 grams or more" exactly as 2 is: rounding down keeps every whole-gram threshold
    assert grams == {"W-1": 2, "W-2": None}
    assert [(r.line, r.column, r.value) for r in got.refusals] == [
        (4, "quantity_grams", "two grams"),
        (5, "quantity_grams", "-1"),
    ]
    assert "blank when the record states none" in str(got.refusals[0])
