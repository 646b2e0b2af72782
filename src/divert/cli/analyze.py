"""CLI commands for analysts: `divert report`, `divert measure`, `divert simulate`, and
`divert funnel` over the live case store.

Each reads the filings through the ingest reader, screens with the in-process engine under
a Rich progress bar, and prints figures with their numerator, denominator and window;
`divert funnel` reads the store's pseudonymous event export instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from divert.analytics.assumptions import DEFAULT_FILE, Assumptions, load_assumptions
from divert.analytics.filings import CaseTable, load_filings
from divert.analytics.report.settings import load_settings
from divert.errors import DivertError, InputFormatError

if TYPE_CHECKING:  # the report's content pulls in lifelines (seconds): imported on first use
    from divert.analytics.report.content import Content
    from divert.analytics.report.content import Progress as Tick

# The report's headline figures `divert simulate` prints, from the same registry.
HEADLINE = ("todays_share", "cases_newly_diverted", "people_newly_diverted", "newly_total",
            "newly_share_filings", "treatment_places", "not_engaged", "listings_avoided",
            "net_cost", "pwid_share")
DATA = typer.Option(..., "--data", help="Philadelphia filings CSV (e.g. data/phl_filings_…csv).")
POLICY = typer.Option("phl-dao-simple-possession", "--policy", help="Candidate policy id.")
BASELINE = typer.Option("phl-dao-2018", "--baseline", help="Baseline policy id.")
POLICIES = typer.Option(None, "--policies", help="Policies folder (default: the bundled one).")
ASSUMPTIONS = typer.Option(DEFAULT_FILE, "--assumptions", help="Assumptions YAML (see docs).")


@contextmanager
def _bar(console: Console) -> Iterator[Tick]:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        yield tick


def _inputs(data: Path, assumptions: Path, console: Console) -> tuple[CaseTable, Assumptions]:
    try:
        table = load_filings(data)
        chosen = load_assumptions(assumptions)
    except (InputFormatError, FileNotFoundError) as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{data.name}: {len(table.rows):,} cases, {table.people:,} people, "
                  f"{table.start} to {table.end}; {table.refused:,} rows refused", highlight=False)
    return table, chosen


def _content(data: Path, policy: str, baseline: str, policies: Path | None,
             assumptions: Path, console: Console) -> Content:
    from divert.analytics.report.content import build_content
    from divert.cli.screen import load_policy_or_exit

    table, chosen = _inputs(data, assumptions, console)
    cand = load_policy_or_exit(policy, policies, console)
    base = load_policy_or_exit(baseline, policies, console)
    with _bar(console) as tick:
        return build_content(table, data, cand, base, chosen, load_settings(), tick)


def report(
    policy: str = POLICY, baseline: str = BASELINE, data: Path = DATA,
    out: Path = typer.Option(..., "--out", help="report.html (plus its -changes.csv) or .pdf"),
    policies: Path | None = POLICIES, assumptions: Path = ASSUMPTIONS,
) -> None:
    """Write the repercussions report of POLICY against BASELINE on past cases."""
    console = Console(stderr=True)
    if out.suffix.lower() not in (".html", ".pdf"):
        console.print(f"[bold red]error:[/] --out must end in .html or .pdf, got {out.name!r}",
                      highlight=False)
        raise typer.Exit(2)
    content = _content(data, policy, baseline, policies, assumptions, console)
    try:
        from divert.analytics.report.build import write_report

        written = write_report(content, out)
    except DivertError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    for path in written:
        console.print(f"wrote {path}", highlight=False)


def simulate(
    policy: str = POLICY, baseline: str = BASELINE, data: Path = DATA,
    diff: Path | None = typer.Option(None, "--diff", help="Write every case's two outcomes (CSV)."),
    policies: Path | None = POLICIES, assumptions: Path = ASSUMPTIONS,
) -> None:
    """Compare two policies on the same past cases: changes, months, capacity, ranges."""
    from divert.analytics.simulate import write_diff_csv

    console = Console()
    content = _content(data, policy, baseline, policies, assumptions, Console(stderr=True))
    if content.assumed:
        live = content.outcome_counts["live"]
        console.print(
            f"On the data alone the proposal diverts "
            f"{sum(n for o, n in live.items() if o.startswith('divert')):,} cases and sends "
            f"{live['needs_review']:,} to review. Every figure below assumes "
            f"{', '.join(content.assumed)} (a what-if, not live decisions).",
            highlight=False, soft_wrap=True)
    changes = Table("change", "baseline rule", "candidate rule", "cases", title="What changes")
    for (direction, before, after), n in sorted(content.rules.items()):
        changes.add_row(direction, before, after, f"{n:,}")
    console.print(changes)
    months = Table("month", "cases", "diverted by the candidate, not the baseline", "people",
                   title="Month by month (before today's diversion share)")
    for v in content.volumes:
        months.add_row(v.month + ("" if v.full_month else " (part)"), f"{v.cases:,}",
                       f"{v.newly_diverted:,}", f"{v.people_newly_diverted:,}")
    console.print(months)
    ranges = Table("result", "at defaults", "median", "5th–95th", title="Ranges (Monte Carlo)")
    for r in content.ranges:
        ranges.add_row(f"{r.name} ({r.unit})", f"{r.at_defaults:,.1f}", f"{r.median:,.1f}",
                       f"{r.p5:,.1f} – {r.p95:,.1f}")
    console.print(ranges)
    b = content.bail
    console.print(f"Diverted by the candidate, not the baseline: {b.cases:,} cases, "
                  f"{b.people:,} people; money bail on {b.monetary:,}; held in a facility on "
                  f"{b.held:,}.", highlight=False)
    if content.figures is not None:
        headline = Table("figure (beyond today's diversion share)", "value", "range",
                         title="The report's figures")
        for key in HEADLINE:
            if key in content.figures.items:
                f = content.figures[key]
                headline.add_row(f.label, f.text, f.range_text)
        console.print(headline)
    if diff is not None:
        write_diff_csv(content.diffs, diff)
        console.print(f"wrote {diff} ({len(content.diffs):,} cases)", highlight=False)


def measure(
    data: Path = DATA, policies: Path | None = POLICIES, baseline: str = BASELINE,
    assumptions: Path = ASSUMPTIONS,
) -> None:
    """Re-filing within 30/90/180/365 days after simple possession and after PWID."""
    console = Console()
    content = _content(data, baseline, baseline, policies, assumptions, Console(stderr=True))
    for key in ("simple_possession", "pwid"):
        for m in content.refiling[key].measures:
            console.print(m.describe(), highlight=False, soft_wrap=True)
    for cmp in content.comparisons:
        console.print(f"within {cmp.a.window_days} days: {cmp.describe()}", highlight=False,
                      soft_wrap=True)


def live_funnel(
    url: str | None = typer.Option(None, "--url", help="Case store URL (default: "
                                   "$DIVERT_DATABASE_URL, else sqlite:///var/divert.sqlite)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Last day observed, YYYY-MM-DD "
                                     "(default: the latest filing in the store)."),
) -> None:
    """The funnel and re-filing over the live case store (pseudonymous; the read is audited)."""
    import secrets
    from datetime import date

    from divert.analytics.funnel import funnel
    from divert.analytics.live import last_filing_day, live_refiling
    from divert.cases.access import Actor
    from divert.store.db import database_url, make_engine, make_sessionmaker
    from divert.store.events_export import export_events

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {as_of!r}",
                                 param_hint="--as-of") from None
    engine = make_engine(url or database_url())
    try:
        with make_sessionmaker(engine)() as session:
            events = export_events(session, Actor("cli", "analyst", "cli"),
                                   secrets.token_bytes(32))
    finally:
        engine.dispose()
    console = Console()
    dates = [e.date for e in events]
    span = f", {min(dates)} to {max(dates)}" if dates else ""
    console.print(f"case store: {len({e.case_id for e in events}):,} cases, "
                  f"{len({e.person_id for e in events}):,} people, {len(events):,} events"
                  f"{span}", highlight=False)
    records = [e.to_record() for e in events]
    for line in funnel(records).describe():
        console.print(line, highlight=False, soft_wrap=True)
    day = day or last_filing_day(records)
    for measures in (live_refiling(records, day) if day else {}).values():
        for m in measures:
            console.print(m.describe(), highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.command("report")(report)
    app.command("simulate")(simulate)
    app.command("measure")(measure)
    app.command("funnel")(live_funnel)
