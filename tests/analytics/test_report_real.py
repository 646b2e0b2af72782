"""The report's headline figures on the real filings equal plain DuckDB SQL over the raw CSV.

The SQL (independent.py) reads the published CSV directly, not through divert's reader,
screening or measures: if the two disagree, one of them is wrong.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from conftest import FILINGS
from divert.analytics.assumptions import load_assumptions
from divert.analytics.filings import load_filings
from divert.analytics.report.build import html_to_pdf, render_html
from divert.analytics.report.content import Content, build_content
from divert.analytics.report.figures import Figures, build_figures
from divert.analytics.report.settings import load_settings
from divert.policy.load import find_policy

from .independent import (
    DIVERTED_UNDER_ASSUMPTIONS,
    POSSESSION_WORDINGS,
    PWID_WORDINGS,
    connect,
    pwid_by_month,
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
    figures = content.figures
    assert figures is not None
    headline = figures["cases_newly_diverted"]
    assert f'<b><span class="fig" data-fig="cases_newly_diverted">{headline.text}</span> more ' \
           "cases a month</b>" in first


def test_the_pdf_is_printed_and_repeatable(content: Content, chromium_path: str,
                                           tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    html.write_text(render_html(content), encoding="utf-8")
    html_to_pdf(html, tmp_path / "a.pdf", content.table.end, chromium_path)
    html_to_pdf(html, tmp_path / "b.pdf", content.table.end, chromium_path)
    a, b = (tmp_path / "a.pdf").read_bytes(), (tmp_path / "b.pdf").read_bytes()
    assert a.startswith(b"%PDF") and a == b
    assert b"D:20220131000000" in a


class _Figures(HTMLParser):
    """Every printed figure (key, part, text), and the summary's text outside figures."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str, bool]] = []  # key, part, text, in summary
        self.summary_text: list[str] = []
        self._in_summary = False
        self._fig: list[str] | None = None
        self._skip = 0  # inside <time>, <style> or a law's name (Section 17)
        self._law = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id") == "summary":
            self._in_summary = True
        if tag in ("time", "style", "title") or a.get("class") == "law":  # dates, law names
            self._skip += 1
        if a.get("class") == "law":
            self._law = True
        if tag == "span" and a.get("data-fig"):
            self._fig = [a["data-fig"] or "", a.get("data-part") or "value", ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._in_summary = False
        if tag in ("time", "style", "title") or (tag == "span" and self._law):
            self._skip -= 1
            self._law = self._law and tag != "span"
        if tag == "span" and self._fig is not None:
            key, part, text = self._fig
            self.found.append((key, part, text, self._in_summary))
            self._fig = None

    def handle_data(self, data: str) -> None:
        if self._fig is not None:
            self._fig[2] += data
        elif self._in_summary and not self._skip:
            self.summary_text.append(data)


def _figures(content: Content) -> Figures:
    assert content.figures is not None
    return content.figures


def test_every_number_on_the_summary_page_is_the_same_figure_as_in_the_detail(
    content: Content,
) -> None:
    page = _Figures()
    page.feed(render_html(content))
    summary = {(k, p) for k, p, _, s in page.found if s}
    detail = {(k, p) for k, p, _, s in page.found if not s}
    assert len(summary) >= 15
    # every figure the summary quotes is in the detail (at least in the table of every
    # number), and every mention of it anywhere prints the same text
    assert summary <= detail
    texts: dict[tuple[str, str], set[str]] = {}
    for key, part, text, _ in page.found:
        texts.setdefault((key, part), set()).add(text)
    assert {k: t for k, t in texts.items() if len(t) > 1} == {}
    figures = _figures(content)
    for (key, part), (text,) in texts.items():
        f = figures[key]
        assert text == (f.text if part == "value" else f.range_text or f.text)
    # the summary types no number of its own: every digit on it comes from a figure
    loose = re.findall(r"[^\s]*\d[^\s]*", " ".join(page.summary_text))
    assert loose == []
    # and it speaks no statistics
    words = " ".join(page.summary_text)
    for jargon in ("percentile", "CI", "confidence", "censor", "<11", "p5", "median"):
        assert jargon not in words


def test_todays_diversion_share_takes_its_part_out_of_every_newly_diverted_figure(
    content: Content, sql: duckdb.DuckDBPyConnection,
) -> None:
    (cases,) = sql.execute("select count(*) from cases where " + DIVERTED_UNDER_ASSUMPTIONS,
                           {"w": POSSESSION_WORDINGS}).fetchone() or (None,)
    share = content.assumptions["todays_diversion_share"]
    assert (share.low, share.default, share.high) == (0.28, 0.28, 0.39)  # DAO, 2019 and 2014
    seen = []
    for s in (0.0, 0.28, 0.39):
        params = {**content.assumptions.parameters,
                  "todays_diversion_share": replace(share, low=s, default=s, high=s)}
        f = build_figures(replace(content, assumptions=replace(content.assumptions,
                                                               parameters=params)))
        assert f["newly_total"].value == pytest.approx(cases * (1 - s))
        assert f["cases_newly_diverted"].value == pytest.approx(
            content.inputs.newly_diverted_per_month * (1 - s))
        assert f["already_diverted_today"].value == pytest.approx(
            content.inputs.newly_diverted_per_month * s)
        assert f["newly_share_filings"].value == pytest.approx(
            cases * (1 - s) / len(content.table.rows))
        seen.append(f["treatment_places"].value)
    assert seen[0] > seen[1] > seen[2]  # fewer new places when more are diverted today
    # the shipped range gives the headline's range
    headline = _figures(content)["cases_newly_diverted"]
    assert (headline.low, headline.high) == pytest.approx(
        (content.inputs.newly_diverted_per_month * 0.61, content.inputs.newly_diverted_per_month
         * 0.72))


def test_the_cost_table_adds_up(content: Content) -> None:
    f = _figures(content)
    a = content.assumptions
    for total, lines in (("total_costs", f.costs), ("total_savings", f.savings)):
        for end in ("value", "low", "high"):
            assert getattr(f[total], end) == pytest.approx(
                sum(getattr(line.money, end) for line in lines))
    net = f["net_cost"]
    assert net.value == pytest.approx(f["total_costs"].value - f["total_savings"].value)
    assert net.low == pytest.approx(f["total_costs"].low - f["total_savings"].high)
    assert net.high == pytest.approx(f["total_costs"].high - f["total_savings"].low)
    # each line is its quantity times its unit cost(s), at the defaults
    for line in (*f.costs, *f.savings):
        price = 1.0
        for name in line.priced_by:
            price *= a[name].default
        assert line.money.value == pytest.approx(line.quantity.value * price)
    assert f["cost_treatment"].value > 0 and f["saving_listings"].value > 0
    # placeholders are labelled as such wherever a cost rests on one
    assert f["cost_treatment"].placeholder and not f["saving_jail"].placeholder


def test_charging_drift_counts_pwid_filings_by_month_as_the_sql_does(
    content: Content, sql: duckdb.DuckDBPyConnection,
) -> None:
    expected = pwid_by_month(sql, PWID_WORDINGS)
    assert {m.month: m.share.numerator for m in content.drift} == expected
    assert [m.full_month for m in content.drift] == [False, True, True, True, True, True]


def test_without_money_bail_or_custody_sending_a_case_to_review_the_sql_count_is_reached(
    content: Content, sql: duckdb.DuckDBPyConnection,
) -> None:
    """The variant re-screens the review cases without the two facts; the SQL simply drops
    the bail and custody condition from the what-if's terms."""
    loose = DIVERTED_UNDER_ASSUMPTIONS.replace(" and not money_bail and not held", "")
    cases, held = sql.execute(
        "select count(*), sum(held::int) from cases where " + loose,
        {"w": POSSESSION_WORDINGS}).fetchone() or (None, None)
    variant = next(s for s in content.scenarios if not s.bail_or_custody_reviewed)
    assert variant.cases == cases
    assert content.bail_review is not None
    assert content.bail_review.cases == cases - len(content.newly)
    assert content.bail_review.held == held
    # without the top-charge assumption, or without the record one, nothing is diverted
    assert [s.cases for s in content.scenarios if len(s.assumed) < 2] == [0, 0, 0]
