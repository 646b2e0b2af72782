"""Screening many past cases under one policy, for the simulation and the report.

A policy version is applied "as if in force": past cases are screened under the latest
version of the policy on its own effective date (the engine's `on=`), which is the
OpenFisca "reform" idea — same cases, different law — and is recorded in each decision
as `selected_by="as_of"`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from divert.analytics.filings import FilingRow
from divert.errors import DivertError
from divert.policy.explain import Decision
from divert.policy.model import Policy
from divert.policy.select import Mode


def screen_rows(
    rows: Sequence[FilingRow],
    policy: Policy,
    on: date | None = None,
    progress: Callable[[int], None] | None = None,
    assume: frozenset[str] = frozenset(),
) -> dict[str, Decision]:
    """Decisions by case id, every row screened under the policy's latest version.

    `assume` switches on what-if assumptions (policy/whatif.py); every decision says so.
    """
    from divert.engines.screening import screen

    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    run = screen([r.to_case() for r in rows], policy, Mode.AS_OF,
                 on=on or policy.latest().effective_from, assume=assume, advance=advance)
    if run.not_screened:
        raise DivertError(run.not_screened[0].reason)
    out = {d.case_id: d for d in run.decisions}
    if len(out) != len(rows):
        raise DivertError(
            f"screened {len(out)} decisions for {len(rows)} cases; case ids must be unique"
        )
    return out


def category_of(decision: Decision) -> str | None:
    """The catalog category of the case's top charge as the engine read it, if it could."""
    return decision.charges[0].category if decision.charges else None
