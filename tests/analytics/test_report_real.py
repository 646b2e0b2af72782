"""The report's headline figures on the real filings equal plain DuckDB SQL over the raw CSV.

The SQL (independent.py) reads the published CSV directly, not through divert's reader,
screening or measures: if the two disagree, one of them is wrong.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import FILINGS
from divert.analytics.assumptions import load_assumptions
from divert.analytics.filings import load_filings
from divert.analytics.report.build import html_to_pdf, render_html
from divert.analytics.report.content import Content, build_content
from divert.analytics.report.settings import load_settings
from divert.analytics.screening import find_policy

from .independent import (
    DIVERTED_UNDER_ASSUMPTIONS,
    POSSESSION_WORDINGS,
    PWID_WORDINGS,
    connect,
    refiled,
)


@pytest.fixture(scope="module")
def content() -> Content:
    return build_content(
        load_filings(FILINGS), FILINGS, find_policy("phl-dao-simple-possession"),
        find_policy("phl-dao-2018"), load_assumptions(), load_settings(),
    )


@pytest.fixture(scope="module")
def sql() -> duckdb.DuckDBPyConnection:
    return connect(FILINGS)


def test_cases_and_people_newly_diverted(content: Content, sql: duckdb.DuckDBPyConnection
                                         ) -> None:
    cases, people, held = sql.execute(
        "select count(*), count(distinct pid), sum(held::int) from cases where "
        + DIVERTED_UNDER_ASSUMPTIONS, {"w": POSSESSION_WORDINGS},
    ).fetchone() or (None, None, None)
    assert len(content.newly) == cases
    assert len({d.person_id for d in content.newly}) == people
    assert content.bail.held == held == 0  # custody keeps a case in review
    assert content.assumed == ("assume.hidden_charges_lesser", "assume.no_unpublished_record")
    assert not any(o.startswith("divert") for o in content.outcome_counts["live"])


def test_cases_per_full_month(content: Content, sql: duckdb.DuckDBPyConnection) -> None:
    (per_month,) = sql.execute(
        "select avg(n) from (select date_trunc('month', filed) m, count(*) n from cases"
        " where " + DIVERTED_UNDER_ASSUMPTIONS + " and filed >= date '2021-09-01' group by 1)",
        {"w": POSSESSION_WORDINGS},
    ).fetchone() or (None,)
    assert content.inputs.newly_diverted_per_month == pytest.approx(per_month)


@pytest.mark.parametrize(("group", "wordings"), [("simple_possession", POSSESSION_WORDINGS),
                                                 ("pwid", PWID_WORDINGS)])
@pytest.mark.parametrize("window", [30, 90])
def test_re_filing_rates_with_censoring(
    content: Content, sql: duckdb.DuckDBPyConnection, group: str, wordings: list[str],
    window: int,
) -> None:
    k, n = refiled(sql, wordings, window)
    measure = next(m for m in content.refiling[group].measures if m.window_days == window)
    assert (measure.numerator, measure.denominator) == (k, n)


def test_no_window_of_180_days_or_more_is_claimed(content: Content) -> None:
    for refiling in content.refiling.values():
        for m in refiling.measures:
            if m.window_days is not None and m.window_days >= 180:
                assert (m.denominator, m.rate) == (0, None)


def test_the_same_inputs_give_the_same_report_byte_for_byte(content: Content) -> None:
    again = build_content(
        load_filings(FILINGS), FILINGS, find_policy("phl-dao-simple-possession"),
        find_policy("phl-dao-2018"), load_assumptions(), load_settings(),
    )
    first = render_html(content)
    assert first == render_html(again)
    # self-contained: nothing is fetched when it is opened
    assert "<script" not in first and "<link" not in first and 'src="http' not in first
    people = len({d.person_id for d in content.newly})
    assert f"{len(content.newly)} cases</b> ({people} people)" in first


def test_the_pdf_is_printed_and_repeatable(content: Content, chromium_path: str,
                                           tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    html.write_text(render_html(content), encoding="utf-8")
    html_to_pdf(html, tmp_path / "a.pdf", content.table.end, chromium_path)
    html_to_pdf(html, tmp_path / "b.pdf", content.table.end, chromium_path)
    a, b = (tmp_path / "a.pdf").read_bytes(), (tmp_path / "b.pdf").read_bytes()
    assert a.startswith(b"%PDF") and a == b
    assert b"D:20220131000000" in a
