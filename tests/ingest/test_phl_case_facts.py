"""The screening facts the filings feed holds: age at filing, money bail, custody.

Rows are in the feed's real format; every id, age and amount is invented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from divert.ingest.filed_case import BailEvent
from divert.ingest.filed_case import held_in_custody as held
from divert.ingest.filed_case import money_bail_set as money_bail
from divert.ingest.phl_filings import read_phl_filings
from divert.ingest.phl_rows import COLUMNS
from divert.model.case import Case

CHARGE = "Int Poss Contr Subst By Per Not Reg"


def _row(case: str, age: str = "30", bail_date: str = "2021-09-01T05:00:00",
         bail_type: str = "", amount: str = "", status: str = "", custody: str = "") -> str:
    return ",".join([
        case, "MC", f"P-{case}", "name+dob", "2021-09-01T04:00:00", CHARGE, age, "19100",
        "public_defender", bail_date, bail_type, amount, status, "0.0" if amount else "",
        custody, "Active",
    ])


def _cases(tmp_path: Path, *rows: str) -> dict[str, Case]:
    path = tmp_path / "filings.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n", encoding="utf-8")
    got = read_phl_filings(path)
    assert got.refusals == ()
    return {fc.case_id: fc.case for fc in got.cases}


def test_age_at_filing_is_carried_onto_the_case(tmp_path: Path) -> None:
    cases = _cases(tmp_path, _row("C-1", age="17", bail_type="ROR", amount="0", status="Set"),
                   _row("C-2", age="", bail_type="ROR", amount="0", status="Set"),
                   _row("C-2", age="44", bail_date="2021-09-02T05:00:00", bail_type="ROR",
                        amount="0", status="Set"))
    assert cases["C-1"].age == 17
    assert cases["C-2"].age == 44  # the first row that gives one


@pytest.mark.parametrize(("value", "why"), [
    ("121", "is not a whole number of years from 0 to 120"),
    ("-3", "is not a whole number of years from 0 to 120"),
    ("17.5", "is not a whole number of years from 0 to 120"),
    ("Philadelphia, PA 19100", "is not a whole number of years from 0 to 120"),
])
def test_a_bad_age_is_reported_with_line_column_and_value_and_left_unknown(
    tmp_path: Path, value: str, why: str
) -> None:
    path = tmp_path / "filings.csv"
    row = _row("C-9", age=f'"{value}"', bail_type="ROR", amount="0", status="Set")
    path.write_text(",".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    got = read_phl_filings(path)
    assert [(w.line, w.column, w.value) for w in got.warnings] == [(2, "age", value)]
    assert why in got.warnings[0].reason
    assert str(path) in str(got.warnings[0]) and f"value '{value}'" in str(got.warnings[0])
    assert got.cases[0].case.age is None and got.cases[0].age is None


def test_ages_at_the_bounds_are_read(tmp_path: Path) -> None:
    cases = _cases(tmp_path, _row("C-0", age="0"), _row("C-120", age="120"))
    assert (cases["C-0"].age, cases["C-120"].age) == (0, 120)


def test_money_bail_and_custody_come_from_any_bail_event(tmp_path: Path) -> None:
    cases = _cases(
        tmp_path,
        # ROR, then monetary bail set and the person held
        _row("C-1", bail_type="ROR", amount="0", status="Set"),
        _row("C-1", bail_date="2021-09-03T05:00:00", bail_type="Monetary", amount="2500.0",
             status="Set", custody="Curran-Fromhold Corr. Fac."),
        # monetary bail posted: money bail, not held
        _row("C-2", bail_type="Monetary", amount="1000.0", status="Posted"),
        # unsecured bail: no money up front, not held
        _row("C-3", bail_type="Unsecured", amount="5000.0", status="Set"),
        # bail denied (the feed leaves the type blank and the amount 0): held
        _row("C-4", amount="0.0", status="Denied"),
        # bail revoked on a later event
        _row("C-5", bail_type="Monetary", amount="0.0", status="Posted"),
        _row("C-5", bail_date="2021-09-04T05:00:00", bail_type="Monetary", amount="0.0",
             status="Revoked"),
        # no bail information on any row
        _row("C-6", bail_date=""),
    )
    facts = {cid: (c.money_bail, c.held) for cid, c in cases.items()}
    assert facts == {
        "C-1": (True, True),
        "C-2": (True, False),
        "C-3": (False, False),
        "C-4": (False, True),
        "C-5": (False, True),
        "C-6": (None, None),
    }


def _event(bail_type: str | None, amount: float | None, status: str | None = "Set",
           custody: str | None = None) -> BailEvent:
    return BailEvent(None, bail_type, amount, status, None, custody)


@pytest.mark.parametrize(("events", "expected"), [
    ((), None),
    ((_event("Monetary", 100.0),), True),
    ((_event("Monetary", None),), None),  # monetary, amount not published: cannot tell
    ((_event(None, 500.0),), None),  # an amount without a type: cannot tell
    ((_event(None, 500.0), _event("Monetary", 1.0)), True),
    ((_event(None, 500.0), _event("ROR", 0.0)), None),
    ((_event("ROR", 0.0), _event("Nonmonetary", None)), False),
])
def test_money_bail_is_three_valued(events: tuple[BailEvent, ...], expected: bool | None) -> None:
    assert money_bail(events) is expected


def test_held_is_unknown_only_without_any_bail_event() -> None:
    assert held(()) is None
    assert held((_event("ROR", 0.0),)) is False
    assert held((_event("ROR", 0.0), _event("Monetary", 9.0, custody="A facility"))) is True
    assert held((_event(None, 0.0, status="Denied"),)) is True
