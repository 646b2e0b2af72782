"""Screening many past cases under one policy, for the simulation and the report.

A policy version is applied "as if in force": past cases are screened under the latest
version of the policy on its own effective date (the engine's `on=`), which is the
OpenFisca "reform" idea — same cases, different law — and is recorded in each decision
as `selected_by="as_of"`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from divert.analytics.filings import CaseRow
from divert.errors import DivertError
from divert.policy.explain import Decision
from divert.policy.model import Policy


def find_policy(policy_id: str, root: Path | None = None) -> Policy:
    """The policy with this id from the policies folder, or an error listing the known ids."""
    from divert.policy.load import load_policies

    policies = load_policies(root)
    if policy_id not in policies:
        known = ", ".join(sorted(policies)) or "none"
        raise DivertError(f"no policy with id {policy_id!r}; the policies folder has: {known}")
    return policies[policy_id]


def screen_rows(
    rows: Sequence[CaseRow],
    policy: Policy,
    on: date | None = None,
    progress: Callable[[int], None] | None = None,
    assume: frozenset[str] = frozenset(),
) -> dict[str, Decision]:
    """Decisions by case id, every row screened under the policy's latest version.

    `assume` switches on what-if assumptions (policy/whatif.py); every decision says so.
    """
    from divert.engines.inprocess import screen_cases

    when = on or policy.latest().effective_from
    decisions = screen_cases((r.to_case() for r in rows), policy, when, progress, assume)
    out = {d.case_id: d for d in decisions}
    if len(out) != len(rows):
        raise DivertError(
            f"screened {len(out)} decisions for {len(rows)} cases; case ids must be unique"
        )
    return out


def category_of(decision: Decision) -> str | None:
    """The catalog category of the case's top charge as the engine read it, if it could."""
    return decision.charges[0].category if decision.charges else None
