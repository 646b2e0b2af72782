"""The bail measure: the court's bail read from published events, and the policy against it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from conftest import FILINGS
from divert.analytics.bail import BailRow, CourtBail, court_bail, group
from divert.cli import app
from divert.ingest.filed_case import BailEvent, FiledCase
from divert.model.case import Case
from divert.policy.explain import Outcome

T0 = datetime(2021, 9, 1, 9, 0)


def _filed(*events: BailEvent) -> FiledCase:
    return FiledCase(Case("c", ()), "p", "name+dob", T0, 30, None, None, None, events)


def _event(day: int, kind: str | None, amount: float, status: str,
           facility: str | None = None) -> BailEvent:
    return BailEvent(datetime(2021, 9, day, 9, 0), kind, amount, status, None, facility)


def test_cash_set_then_posted_is_held_for_the_days_between() -> None:
    bail = court_bail(_filed(_event(1, "Monetary", 5000, "Set"),
                             _event(6, "Monetary", 5000, "Posted")))
    assert bail == CourtBail("cash", True, True, 5.0)


def test_cash_set_then_lowered_to_ror_counts_until_the_release() -> None:
    bail = court_bail(_filed(_event(1, "Monetary", 5000, "Set"), _event(3, "ROR", 0, "Posted")))
    assert (bail.first, bail.held, bail.days_held) == ("cash", True, 2.0)


def test_cash_never_posted_is_held_for_an_unknown_time_not_zero() -> None:
    bail = court_bail(_filed(_event(1, "Monetary", 5000, "Set")))
    assert (bail.held, bail.days_held) == (True, None)


def test_cash_posted_at_once_and_ror_are_not_held() -> None:
    assert court_bail(_filed(_event(1, "Monetary", 500, "Posted"))).held is False
    assert court_bail(_filed(_event(1, "ROR", 0, "Posted"))) == CourtBail("ror", False, False,
                                                                          None)


def test_denied_bail_or_a_facility_is_held_and_no_event_is_unknown() -> None:
    assert court_bail(_filed(_event(1, None, 0, "Denied"))).first == "denied"
    assert court_bail(_filed(_event(1, "Unsecured", 1000, "Posted", "CFCF"))).held is True
    assert court_bail(_filed()) == CourtBail("none", None, None, None)


def _row(what_if: Outcome, court: CourtBail) -> BailRow:
    return BailRow("c", "p", "2021-09", "retail_theft", Outcome.NEEDS_REVIEW, what_if, (), court,
                   False)


def test_a_group_counts_cash_where_the_policy_asks_none_and_the_share_held() -> None:
    rows = [_row(Outcome.ROR, CourtBail("cash", True, True, 4.0)),
            _row(Outcome.ROR, CourtBail("cash", True, False, None)),
            _row(Outcome.ROR, CourtBail("ror", False, False, None)),
            _row(Outcome.CASH, CourtBail("cash", True, True, 9.0)),
            _row(Outcome.INDIVIDUAL_REVIEW, CourtBail("cash", True, True, None))]
    g = group("all", rows)
    assert (g.cases, g.no_cash, g.cash_where_none, g.held, g.days_known, g.median_days) == \
        (5, 3, 2, 1, 1, 4.0)
    assert (g.cash_all, g.held_all, g.share_held) == (4, 3, 0.5)


def test_divert_bail_on_real_filings_prints_every_table_and_writes_a_row_per_case(
    tmp_path: Path,
) -> None:
    lines = FILINGS.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(lines[:400]), encoding="utf-8")
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(app, ["bail", str(sample), "--out", str(out)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for title in ("Recommendation against the court's first bail", "By charge category",
                  "By month of filing", "The cases the diversion proposal changes",
                  "no live decision asks ROR"):
        assert title in result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    cases = {line.split(",")[0] for line in lines[1:400]}
    assert len(rows) - 1 == len(cases)


def test_the_report_section_renders_its_summary_and_hides_small_counts(tmp_path: Path) -> None:
    from divert.analytics.report.bail_section import bail_section
    from divert.analytics.report.build import environment

    lines = FILINGS.read_text(encoding="utf-8").splitlines(keepends=True)
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(lines[:1500]), encoding="utf-8")
    section = bail_section(sample, [])
    assert section is not None
    html = environment().get_template("bail_section.html.j2").render(bail_section=section)
    assert "Bail: the no-cash-bail policy against the court's bail" in html
    assert f"the policy asks no cash on {section.total.no_cash:,} cases" in html
    for name, *counts in section.category_cells:
        group = next(g for g in section.categories if g.name == name)
        for shown, value in zip(counts, (group.cases, group.no_cash, group.cash_where_none,
                                         group.held), strict=True):
            assert shown == "<11" or (shown == f"{value:,}" and not 1 <= value <= 10)
    empty = environment().get_template("bail_section.html.j2").render(bail_section=None)
    assert "Bail:" not in empty
