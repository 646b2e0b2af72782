"""CLI commands: `divert screen` (every case of a file) and `divert explain` (one case).

`screen` is read → screen → write → summarize: one output row per case, a progress bar, and
a summary of outcomes, deciding rules and every charge wording the catalog could not read.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from divert.cli.decision_text import decision_lines
from divert.cli.ingest import FORMAT_ERROR_EXIT, print_input_summary, read_or_exit
from divert.cli.output import (
    deciding_rule_counts,
    outcome_counts,
    output_format,
    unread_wordings,
    write_decisions,
    write_decisions_json,
)
from divert.engines.screening import ScreeningRun, screen, screen_one
from divert.errors import DivertError, InputFormatError, PolicyErrors, UnknownPolicy
from divert.model.case import Case
from divert.policy.explain import Decision, Disposition
from divert.policy.model import Policy, PolicyVersion
from divert.policy.select import Mode, mode_of

NOT_SCREENED_EXIT = 1

POLICY_OPTION = typer.Option(..., "--policy", help="Policy id, e.g. phl-dao-simple-possession.")
POLICIES_OPTION = typer.Option(
    None, "--policies", help="Policies folder (default: DIVERT_POLICY_PATH or the bundled one)."
)
AS_OF_OPTION = typer.Option(
    None, "--as-of", formats=["%Y-%m-%d"],
    help="Screen as if on this date (a what-if over past cases) instead of each case's date.",
)  # fmt: skip
PERSONS_OPTION = typer.Option(None, "--persons", help="Person facts table joined on person_id.")
STRICT_OPTION = typer.Option(
    False, "--by-case-date",
    help="Screen only by each case's own date: a case filed before the policy took effect is "
    "not screened (by default it is screened under the latest version, as a what-if).",
)  # fmt: skip

ENGINE_OPTION = typer.Option(
    "auto", "--engine",
    help="inprocess, duckdb or spark; auto: in-process up to 20,000 cases, else duckdb. Batch "
    "engines give the same outcomes, reasons and rule truths, without rendered sentences.",
)  # fmt: skip


def _engine_or_exit(engine: str, cases: int, console: Console) -> str:
    from divert.engines.screening import choose_engine

    try:
        return choose_engine(engine, cases)
    except DivertError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None


def screening_mode(as_of: date | None, by_case_date: bool) -> tuple[Mode, date | None]:
    """The mode `--as-of` and `--by-case-date` ask for (policy/select.py), and its date."""
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return mode_of(day, past_as_latest=not by_case_date), day


def load_policy_or_exit(policy_id: str, folder: Path | None, console: Console) -> Policy:
    """The policy with this id; its mistakes, or an unknown id, end the command with exit 2."""
    from divert.policy.load import find_policy, load_policies

    try:
        policies = load_policies(folder)
    except PolicyErrors as errors:
        console.print("[bold red]error:[/] the policies do not load:")
        for error in errors.errors:
            console.print(f"  {error}", soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None
    try:
        return find_policy(policy_id, policies)
    except UnknownPolicy as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None


ASSUME_OPTION = typer.Option(
    [], "--assume",
    help="Switch on a what-if assumption by name (repeatable), e.g. hidden_charges_lesser; "
    "every decision then says it rests on it. Never for live work.",
)


def assumptions_or_exit(names: list[str], console: Console) -> frozenset[str]:
    """The named what-if assumptions; an unknown name ends the command with exit 2."""
    from divert.policy import whatif

    try:
        return whatif.parse(names)
    except DivertError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None


def screen_command(
    file: Path = typer.Argument(..., help="Case file: Philadelphia filings CSV or a cases table."),
    policy: str = POLICY_OPTION,
    out: Path = typer.Option(..., "--out", help="One row per case: .csv, .parquet or .jsonl."),
    decisions_jsonl: Path | None = typer.Option(
        None, "--decisions-jsonl", help="Also write every full Decision as JSON Lines."
    ),
    as_of: datetime | None = AS_OF_OPTION,
    persons: Path | None = PERSONS_OPTION,
    policies: Path | None = POLICIES_OPTION,
    by_case_date: bool = STRICT_OPTION,
    engine: str = ENGINE_OPTION,
    assume: list[str] = ASSUME_OPTION,
) -> None:
    """Screen every case of FILE under a policy; write one row per case, then summarize."""
    console = Console(stderr=True)
    assumed = assumptions_or_exit(assume, console)
    try:
        output_format(out)
    except InputFormatError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(FORMAT_ERROR_EXIT) from None
    chosen = load_policy_or_exit(policy, policies, console)
    got = read_or_exit(file, persons, console)
    print_input_summary(got, console, show=5)
    with Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("screening", total=len(got.cases))
        kind = _engine_or_exit(engine, len(got.cases), console)
        mode, on = screening_mode(as_of, by_case_date)
        screened = screen(got.cases, chosen, mode, on=on, engine=kind, assume=assumed,
                          advance=lambda: progress.advance(task))
        progress.update(task, completed=len(got.cases))
    write_decisions(screened.decisions, out)
    if decisions_jsonl is not None:
        write_decisions_json(screened.decisions, decisions_jsonl)
    print_screening_summary(screened, console, chosen)
    console.print(f"Wrote {len(screened.decisions):,} rows to {out}", highlight=False)
    if screened.not_screened:
        raise typer.Exit(NOT_SCREENED_EXIT)


def print_screening_summary(screened: ScreeningRun, console: Console, policy: Policy) -> None:
    """Cases per outcome, per deciding rule, the unread wordings and the cases not screened."""
    outcomes = Table(title=f"{screened.cases:,} cases screened")
    outcomes.add_column("outcome")
    outcomes.add_column("cases", justify="right")
    for outcome, count in outcome_counts(screened.decisions):
        outcomes.add_row(outcome, f"{count:,}")
    if screened.not_screened:
        outcomes.add_row("[red]not screened[/]", f"{len(screened.not_screened):,}")
    console.print(outcomes)
    rules = Table(title="Cases per deciding rule")
    for name in ("outcome", "because", "cases"):
        rules.add_column(name, justify="right" if name == "cases" else "left")
    for outcome, because, count in deciding_rule_counts(screened.decisions):
        rules.add_row(outcome, because, f"{count:,}")
    console.print(rules)
    unread = unread_wordings(screened.decisions)
    if unread:
        table = Table(title=f"Charge wordings the catalog could not read ({len(unread)})")
        for name in ("wording", "charges", "why"):
            table.add_column(name, justify="right" if name == "charges" else "left")
        for wording, count, reason in unread:
            table.add_row(wording, f"{count:,}", reason)
        console.print(table)
    else:
        console.print("Every charge wording was read.")
    for item in screened.not_screened[:10]:
        console.print(f"not screened: case {item.case_id}: {item.reason}", highlight=False)
    console.print(f"{screened.cases_per_second:,.0f} cases/s", highlight=False)
    if screened.what_if:
        first, latest = policy.live()[0], policy.latest()
        console.print(
            f"{screened.what_if:,} cases were filed before {policy.id} took effect "
            f"({first.effective_from.isoformat()}); they were screened under "
            f"v{latest.version} as if filed on {latest.effective_from.isoformat()} (a what-if; "
            "--as-of chooses the date, --by-case-date refuses instead).",
            highlight=False,
        )


def explain(
    file: Path = typer.Argument(..., help="Case file: Philadelphia filings CSV or a cases table."),
    case_id: str = typer.Argument(..., help="The case to explain."),
    policy: str = POLICY_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the Decision as JSON."),
    as_of: datetime | None = AS_OF_OPTION,
    persons: Path | None = PERSONS_OPTION,
    policies: Path | None = POLICIES_OPTION,
    by_case_date: bool = STRICT_OPTION,
    assume: list[str] = ASSUME_OPTION,
) -> None:
    """Explain one case's decision in sentences, with the clause numbers that produced it."""
    console = Console()
    errors = Console(stderr=True)
    assumed = assumptions_or_exit(assume, errors)
    chosen = load_policy_or_exit(policy, policies, errors)
    got = read_or_exit(file, persons, errors)
    case = next((c for c in got.cases if c.case_id == case_id), None)
    if case is None:
        hint = (
            f"; {len(got.refusals):,} rows were refused (`divert ingest {file}` lists them)"
            if got.refusals
            else ""
        )
        errors.print(
            f"[bold red]error:[/] case {case_id} is not among the {len(got.cases):,} cases "
            f"read from {file}{hint}",
            highlight=False,
        )
        raise typer.Exit(FORMAT_ERROR_EXIT)
    try:
        decision = screen_one(case, chosen, *screening_mode(as_of, by_case_date), assumed)
    except DivertError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(NOT_SCREENED_EXIT) from None
    if as_json:
        console.print_json(json.dumps(decision.to_json()))
        return
    version = next(v for v in chosen.versions if v.version == decision.policy.version)
    changes, reasons = explain_more(case, version, decision)
    from divert.policy.vehicles import load_vehicles, vehicles_file

    vehicle = load_vehicles(vehicles_file(version.path)).get(decision.vehicle or "")
    for line in decision_lines(decision, version.default.says, case.filing_date, changes,
                               reasons, vehicle):
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def explain_more(case: Case, version: PolicyVersion,
                 decision: Decision) -> tuple[list[str], list[str | None]]:
    """What would change the decision, and which charge rule settled each charge."""
    from divert.engines.inprocess import case_facts, readings_of
    from divert.policy.counterfactual import what_would_change
    from divert.policy.dispose import charge_reasons

    facts = case_facts(case, readings_of(case), frozenset(decision.assumptions))
    shown = [c.as_read for c in decision.charges]
    changes = [c.sentence() for c in what_would_change(version, facts, shown)]
    reasons = charge_reasons(version, facts, shown)
    return changes, [r if d is Disposition.DECLINED else None
                     for r, d in zip(reasons, decision.dispositions, strict=False)]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `divert` app."""
    app.command("screen")(screen_command)
    app.command("explain")(explain)
