"""`divert policy diff … --data FILE`: re-screen past cases under two policies and compare.

Each side is screened exactly as `divert screen` would (engines/screening.py): a bare
policy id by the version in force on each case's date, a case filed before the policy existed
under its latest version as a what-if (or refused with --by-case-date), every case on one
date with --as-of. `ID@N` pins version N: every case is screened under it, by its own date
or, if filed before N took effect, as if filed on N's first day.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from divert.cli.screen import screening_mode
from divert.engines.screening import screen
from divert.model.case import Case
from divert.policy.model import Policy
from divert.policy.outcome_diff import (
    CSV_COLUMNS,
    CaseChange,
    Side,
    compare,
    csv_row,
    side,
)
from divert.policy.select import pin


def applied(policies: dict[str, Policy], ref: str, by_case_date: bool) -> Policy:
    """The policy a side screens under: the whole policy for `ID`, one pinned version for `ID@N`.

    The caller has already checked that the id and version exist.
    """
    policy_id, _, number = ref.partition("@")
    policy = policies[policy_id]
    return pin(policy, int(number), open_ended=not by_case_date) if number else policy


def screen_side(cases: tuple[Case, ...], policy: Policy, on: date | None, by_case_date: bool,
                advance: Callable[[], None],
                assume: frozenset[str] = frozenset()) -> tuple[dict[str, Side], str]:
    """Every case under one policy as a diff side (a case not screened keeps its reason),
    and a sentence on the cases screened as a what-if ("" when none were)."""
    mode, day = screening_mode(on, by_case_date)
    screened = screen(cases, policy, mode, on=day, assume=assume, advance=advance)
    sides = {d.case_id: side(d) for d in screened.decisions}
    sides.update((n.case_id, side(None, n.reason)) for n in screened.not_screened)
    note = ""
    if screened.what_if:
        first, latest = policy.live()[0], policy.latest()
        note = (f"{screened.what_if:,} cases were filed before {policy.id} v{first.version} "
                f"took effect; under it they were screened by v{latest.version} as if filed "
                f"on {latest.effective_from.isoformat()} (a what-if).")
    return sides, note


def rescreen(cases: tuple[Case, ...], old: Policy, new: Policy, on: date | None,
             by_case_date: bool,
             assume: frozenset[str] = frozenset()) -> tuple[list[CaseChange], list[str]]:
    """Both sides for every case, in input order (with a progress bar on stderr), and the
    what-if notes of each side."""
    with Progress(
        TextColumn("re-screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("re-screening", total=2 * len(cases))

        def advance() -> None:
            progress.advance(task)

        before, old_note = screen_side(cases, old, on, by_case_date, advance, assume)
        after, new_note = screen_side(cases, new, on, by_case_date, advance, assume)
    people = {c.case_id: c.person.person_id for c in cases if c.person is not None}
    changes = compare([c.case_id for c in cases], people, before, after)
    return changes, [note for note in (old_note, new_note) if note]


def write_changes_csv(changes: list[CaseChange], out: Path) -> None:
    """The case-level diff, one row per case (changed or not), pseudonymous ids only."""
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_row(change) for change in changes)
