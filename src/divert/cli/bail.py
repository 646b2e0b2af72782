"""`divert bail`: the no-cash-bail policy's recommendation against the bail the court set.

On the filings feed: the live recommendation (what the feed lets the policy decide), the
named what-if (the other charges read as listed too, unknown bench warrants and open PWID
cases as none, no fentanyl where the record holds no drug evidence), and per charge
category and month the cases where the policy asks no cash but the court set cash bail, how
many of those people were held and for how long where the data shows it; then the same for
the cases the diversion proposal changes. The definitions are in divert.analytics.bail.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from divert.analytics.bail import BAIL_WHAT_IF, BailGroup, BailMeasure, measure_bail
from divert.csvcells import safe_row
from divert.errors import DivertError


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _groups(title: str, first: str, groups: list[BailGroup]) -> Table:
    table = Table(first, "cases", "court set cash", "policy asks no cash",
                  "… court set cash", "… held", "share held", "days held (median, n)",
                  title=title)
    for g in groups:
        days = f"{g.median_days:g} (n={g.days_known})" if g.median_days is not None else "–"
        table.add_row(g.name, f"{g.cases:,}", f"{g.cash_all:,}", f"{g.no_cash:,}",
                      f"{g.cash_where_none:,}", f"{g.held:,}", _pct(g.held, g.cash_where_none),
                      days)
    return table


def print_measure(m: BailMeasure, console: Console) -> None:
    """The figures, in tables, each saying what it rests on."""
    live = m.live_outcomes()
    console.print(f"{len(m.rows):,} cases under {m.policy}. Live (what the feed lets the "
                  "policy decide): " + ", ".join(f"{k} {v:,}" for k, v in live.most_common())
                  + ". The feed publishes only the top charge and no record, so no live "
                  "decision asks ROR.", highlight=False, soft_wrap=True)
    because = Counter(r.because[0] if r.because else "(default)" for r in m.rows)
    console.print("Every figure below is a what-if under " + ", ".join(m.assumptions)
                  + "; deciding rules: " + ", ".join(f"{k} {v:,}" for k, v in
                                                    because.most_common()) + ".",
                  highlight=False, soft_wrap=True)
    matrix = Table("policy asks (what-if)", "court: cash", "ror", "unsecured", "denied",
                   "none", title="Recommendation against the court's first bail")
    cross = m.what_if_by_court()
    for outcome in sorted({o for o, _ in cross}):
        matrix.add_row(outcome, *(f"{cross.get((outcome, k), 0):,}"
                                  for k in ("cash", "ror", "unsecured", "denied", "none")))
    console.print(matrix)
    console.print(_groups("By charge category (the top charge)", "category",
                          [m.total(), *m.by("category")]))
    console.print(_groups("By month of filing", "month", m.by("month")))
    console.print(_groups("The cases the diversion proposal changes", "cases",
                          [m.proposal_live(), m.proposal()]))


def write_rows(m: BailMeasure, out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "person_id", "month", "category", "live", "what_if",
                         "because", "court_first", "court_cash", "held", "days_held",
                         "proposal_changes_what_if", "proposal_changes_live"])
        for r in m.rows:
            writer.writerow(safe_row([
                r.case_id, r.person_id, r.month, r.category, r.live.value, r.what_if.value,
                " ".join(r.because), r.court.first, r.court.cash, r.court.held,
                r.court.days_held, r.proposal_changes, r.proposal_changes_live]))


def bail(
    data: Path = typer.Argument(..., help="Philadelphia filings CSV (data/phl_filings_…csv)."),
    policy: str = typer.Option("phl-dao-bail-2018", "--policy", help="The bail policy."),
    out: Path | None = typer.Option(None, "--out", help="Write one CSV row per case."),
) -> None:
    """The bail policy's recommendation against the court's bail, by category and month."""
    from divert.ingest.phl_filings import read_phl_filings
    from divert.policy.load import load_policies

    console = Console()
    try:
        cases = read_phl_filings(data).cases
        m = measure_bail(cases, load_policies(), bail=policy, assume=BAIL_WHAT_IF)
    except (DivertError, OSError) as exc:
        Console(stderr=True).print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from exc
    print_measure(m, console)
    if out is not None:
        write_rows(m, out)
        console.print(f"wrote {out} ({len(m.rows):,} cases)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.command("bail")(bail)
