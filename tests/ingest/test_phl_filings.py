"""Reading the Philadelphia filings feed: bad rows refused with their line, the rest loads."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import FILINGS
from divert.errors import InputFormatError
from divert.ingest.filed_case import Ingested
from divert.ingest.phl_filings import read_phl_filings
from divert.ingest.refusals import count_by_reason
from divert.model.case import ChargeScope

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = FIXTURES / "phl_filings_broken.csv"


@pytest.fixture(scope="module")
def broken() -> Ingested:
    return read_phl_filings(BROKEN)


def test_every_bad_row_is_refused_with_its_line_column_and_reason(broken: Ingested) -> None:
    assert [str(r).removeprefix(str(BROKEN)) for r in broken.refusals] == [
        ":4: expected 16 columns, found 15",
        ":5: column 'filing_date': value '2021-13-45T04:00:00': "
        "is not an ISO 8601 date-time (2021-08-19T04:44:00)",
        ":6: column 'bail_type': value 'Cash': is not one of Monetary, Unsecured, ROR, Nonmonetary",
        ":7: column 'bail_amount': value 'ten thousand': is not a number of dollars",
        ":8: column 'case_id': value '': is empty; every row needs it",
        ":9: column 'defense': value 'pro_se': "
        "is not one of public_defender, private_or_appointed, none_listed",
        ":11: column 'filing_date': value '2021-09-03T04:00:00': "
        "disagrees with the filing date on the case's first row",
        ":12: column 'person_id': value 'P-0000000000q9': names a different person than the "
        "case's first row and repeats none of its bail events",
        ":13: column 'top_charge': value 'Purc/Rec Of Cont Substby Unauth Per': disagrees with "
        "the case's top charge at the same bail event; an amended charge must come with a "
        "later bail date",
    ]


def test_nothing_is_silently_dropped(broken: Ingested) -> None:
    accepted_lines = sorted(line for fc in broken.cases for line in fc.lines)
    refused_lines = [r.line for r in broken.refusals]
    assert broken.rows_read == 15
    assert broken.rows_accepted == len(accepted_lines) == 6
    assert sorted(accepted_lines + refused_lines) == list(range(2, 17))


def test_the_good_rows_load_as_cases(broken: Ingested) -> None:
    by_id = {fc.case_id: fc for fc in broken.cases}
    assert list(by_id) == ["C-00000000000a", "C-00000000000b", "C-00000000000c"]
    a = by_id["C-00000000000a"]
    assert a.case.filing_date == date(2021, 9, 1)
    assert a.filed_at == datetime(2021, 9, 1, 4, 0)
    assert [e.bail_type for e in a.bail_events] == ["ROR", "Monetary"]
    assert a.final_bail is not None and a.final_bail.bail_amount == 500.0
    assert a.ever_in_custody and a.held_on_monetary_bail
    assert a.age == 30 and a.zip == "19100" and a.defense == "public_defender"


def test_a_case_records_only_its_top_charge_and_unknown_person_facts(broken: Ingested) -> None:
    a = next(fc for fc in broken.cases if fc.case_id == "C-00000000000a")
    assert a.case.charge_scope is ChargeScope.TOP_CHARGE_ONLY
    assert [c.as_written for c in a.case.charges] == ["Int Poss Contr Subst By Per Not Reg"]
    person = a.case.person
    assert person is not None and person.person_id == "P-0000000000a1"
    assert (person.prior_drug_convictions, person.open_diversions, person.pad_contacts) == (
        None,
        None,
        None,
    )


def test_a_second_name_and_an_amended_charge_are_kept_not_refused(broken: Ingested) -> None:
    b = next(fc for fc in broken.cases if fc.case_id == "C-00000000000b")
    assert b.person_ids == ("P-0000000000b1", "P-0000000000b2")
    assert b.top_charge == "Int Poss Contr Subst By Per Not Reg"
    assert b.top_charge_history == (
        "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
    )
    # the bail event repeated under the second name is one event, not two
    assert [e.line for e in b.bail_events] == [10, 16]
    assert b.case_status == "Closed" and not b.held_on_monetary_bail
    assert b.zip is None


def test_a_row_without_bail_is_a_case_without_bail_events_and_a_bad_age_is_a_warning(
    broken: Ingested,
) -> None:
    c = next(fc for fc in broken.cases if fc.case_id == "C-00000000000c")
    assert c.bail_events == () and c.final_bail is None and not c.ever_in_custody
    assert c.age is None and c.person_link == "name+age"
    assert [str(w).removeprefix(str(BROKEN)) for w in broken.warnings] == [
        ":14: column 'age': value 'about forty': is not a whole number of years from 0 to 120; "
        "age left unknown"
    ]


def test_refusals_are_counted_by_column_and_reason(broken: Ingested) -> None:
    counts = dict(count_by_reason(broken.refusals))
    assert counts["bail_type: is not one of Monetary, Unsecured, ROR, Nonmonetary"] == 1
    assert sum(counts.values()) == len(broken.refusals) == 9


def test_bom_and_crlf_line_endings_read_the_same(tmp_path: Path, broken: Ingested) -> None:
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"\xef\xbb\xbf" + BROKEN.read_bytes().replace(b"\n", b"\r\n"))
    again = read_phl_filings(crlf)
    assert again.cases == broken.cases
    assert [(r.line, r.column, r.reason) for r in again.refusals] == [
        (r.line, r.column, r.reason) for r in broken.refusals
    ]


def test_a_quoted_line_break_keeps_line_numbers_pointing_at_the_row_start(tmp_path: Path) -> None:
    lines = BROKEN.read_text().splitlines()
    lines[1] = lines[1].replace("Int Poss Contr Subst By Per Not Reg", '"Int Poss\nContr"', 1)
    path = tmp_path / "multiline.csv"
    path.write_text("\n".join([*lines[:2], lines[4]]) + "\n")
    got = read_phl_filings(path)
    assert got.cases[0].top_charge == "Int Poss\nContr"
    assert [r.line for r in got.refusals] == [4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not a text table"),
        (b"\xff\xfe\xfa bad", "is not UTF-8 text"),
        ((FIXTURES / "not_filings.csv").read_bytes(), "its header lacks case_id, court,"),
        (b"case_id,court,person_id\nC-1,MC,P-1\n", "its header lacks person_link, filing_date"),
    ],
)
def test_a_file_that_is_not_the_format_gets_one_clear_sentence(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(InputFormatError) as info:
        read_phl_filings(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_the_real_filings_load_whole() -> None:
    got = read_phl_filings(FILINGS)
    assert got.refusals == ()
    assert got.rows_read == 12_564
    assert len(got.cases) == 9_288
    assert got.people == 7_664
    assert len({fc.case_id for fc in got.cases}) == 9_288
    assert all(fc.case.charge_scope is ChargeScope.TOP_CHARGE_ONLY for fc in got.cases)
    # the six published ages that are not numbers are kept as unknown, each reported
    assert {w.column for w in got.warnings} == {"age"}


def test_a_row_the_csv_module_cannot_read_is_refused_and_reading_goes_on(tmp_path: Path) -> None:
    lines = BROKEN.read_text().splitlines()
    huge = lines[1].replace("Int Poss Contr Subst By Per Not Reg", '"' + "x" * 200_000 + '"', 1)
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([lines[0], huge, lines[2]]) + "\n")
    got = read_phl_filings(path)
    assert [(r.line, r.column, r.reason) for r in got.refusals] == [
        (2, None, "cannot be read as CSV (field larger than field limit (131072))")
    ]
    assert got.rows_read == 2 and [fc.lines for fc in got.cases] == [(3,)]


def test_a_forfeited_bail_status_from_the_later_feed_is_read_not_refused(tmp_path: Path) -> None:
    """The 2023 feed records bail 'Forfeited' after a missed appearance: a real status."""
    lines = BROKEN.read_text().splitlines()
    row = lines[1].split(",")
    row[12] = "Forfeited"
    path = tmp_path / "forfeited.csv"
    path.write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    got = read_phl_filings(path)
    assert list(got.refusals) == []
    assert [e.bail_status for e in got.cases[0].bail_events] == ["Forfeited"]


@pytest.mark.parametrize("when", ["9999-12-31T00:00:00", "1900-01-01T00:00:00"])
@pytest.mark.parametrize("column", ["filing_date", "bail_date"])
def test_a_date_outside_any_real_filing_is_refused_with_its_line(
    tmp_path: Path, when: str, column: str
) -> None:
    """Red-team finding 9: 9999-12-31 and 1900-01-01 were accepted (the funnel then spanned
    1900 to 9999)."""
    lines = FILINGS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[2]]))
    cells[header.index(column)] = when
    path = tmp_path / "dates.csv"
    rows = [lines[0], lines[1], ",".join(f'"{c}"' if "," in c else c for c in cells), lines[3]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = read_phl_filings(path)
    assert [(r.line, r.column, r.value) for r in got.refusals] == [(3, column, when)]
    assert "outside the years 2000 to 2099" in str(got.refusals[0])
    assert str(got.refusals[0]).startswith(f"{path}:3:")


def test_an_unclosed_quote_is_reported_not_swallowing_the_next_row(tmp_path: Path) -> None:
    """Red-team finding 9: an unterminated quote swallowed the next line silently."""
    lines = FILINGS.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "quote.csv"
    path.write_text("\n".join([lines[0], lines[1].replace(",Closed", ',"Closed'), *lines[2:5]])
                    + "\n", encoding="utf-8")
    got = read_phl_filings(path)
    assert [r.line for r in got.refusals] == [2]
    assert "quote" in got.refusals[0].reason and "lines 2 to 3" in got.refusals[0].reason
    assert [fc.lines for fc in got.cases] == [(4,), (5,)]


def test_a_quote_left_open_on_the_last_row_is_reported(tmp_path: Path) -> None:
    lines = FILINGS.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "last.csv"
    path.write_text("\n".join([lines[0], lines[1], lines[2].replace(",Active", ',"Active')])
                    + "\n", encoding="utf-8")
    got = read_phl_filings(path)
    assert [(r.line, "end of the file" in r.reason) for r in got.refusals] == [(3, True)]
