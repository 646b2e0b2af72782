"""CLI commands: `divert ingest FILE` — read a case file and say what loaded and what did not.

Refused rows are reported with their line, column and reason, and the exit code stays 0: a
file with some bad rows still loads. A file that is not a case file at all exits with 2.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from divert.cli.output import write_refusals
from divert.errors import InputFormatError
from divert.ingest.reader import CaseInput, read_cases
from divert.ingest.refusals import Refusal, count_by_reason

FORMAT_ERROR_EXIT = 2


def read_or_exit(path: Path, persons: Path | None, console: Console) -> CaseInput:
    """read_cases, with a file that is not a case file turned into one sentence and exit 2."""
    try:
        return read_cases(path, persons)
    except InputFormatError as error:
        console.print(f"[bold red]error:[/] {error}", soft_wrap=True, highlight=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None


def print_input_summary(got: CaseInput, console: Console, show: int) -> None:
    """Rows read, accepted and refused (by reason), then the first `show` refusals and warnings."""
    table = Table(title=f"{got.path.name} ({got.format})", show_header=False)
    table.add_row("rows read", f"{got.rows_read:,}")
    table.add_row("rows accepted", f"{got.rows_accepted:,}")
    table.add_row("rows refused", f"{len(got.refusals):,}")
    table.add_row("cases", f"{len(got.cases):,}")
    if got.filed:
        people = {pid for fc in got.filed for pid in (fc.person_ids or (fc.person_id,))}
        table.add_row("people (person ids)", f"{len(people):,}")
    if got.warnings:
        table.add_row("values left unknown", f"{len(got.warnings):,}")
    console.print(table)
    if got.refusals:
        reasons = Table(title="Refused rows by reason")
        reasons.add_column("column: reason")
        reasons.add_column("rows", justify="right")
        for reason, count in count_by_reason(got.refusals):
            reasons.add_row(reason, f"{count:,}")
        console.print(reasons)
    _print_first(console, "Refused", got.refusals, show)
    _print_first(console, "Accepted, with a value left unknown", got.warnings, show)


def _print_first(console: Console, title: str, items: tuple[Refusal, ...], show: int) -> None:
    if not items or show <= 0:
        return
    console.print(f"{title} (first {min(show, len(items))} of {len(items):,}):")
    for item in items[:show]:
        console.print(f"  {item}", soft_wrap=True, highlight=False, markup=False)


def ingest(
    file: Path = typer.Argument(
        ...,
        help="Philadelphia filings CSV, or a cases table "
        "(CSV, Parquet or JSON Lines; see docs/ingest.md).",
    ),
    persons: Path | None = typer.Option(
        None, "--persons", help="Person facts table joined on person_id."
    ),
    show: int = typer.Option(20, "--show", help="How many refused rows to list."),
    refusals_out: Path | None = typer.Option(
        None, "--refusals-out", help="Write every refused row (and warning) to this CSV."
    ),
) -> None:
    """Read a case file: rows read, accepted and refused (with line numbers and reasons)."""
    console = Console()
    got = read_or_exit(file, persons, console)
    print_input_summary(got, console, show)
    if refusals_out is not None:
        count = write_refusals(got.refusals + got.warnings, refusals_out)
        console.print(f"Wrote {count:,} refusals and warnings to {refusals_out}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.command("ingest")(ingest)
