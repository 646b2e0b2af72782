"""What every screening engine promises: the same Decision for the same case and policy.

The in-process engine (engines/inprocess.py) is the reference; batch engines (DuckDB,
Spark) implement this protocol and are held to it by a parity test that compares their
decisions with `engine` dropped. Resolution is shared: policy/resolve.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Protocol, runtime_checkable

from divert.model.case import Case
from divert.policy.explain import Decision
from divert.policy.model import Policy


@runtime_checkable
class Engine(Protocol):
    """A screening engine: one case, or many in a batch, under one policy."""

    name: str  # recorded in Decision.engine: "inprocess" | "duckdb" | "spark"

    def screen_case(self, case: Case, policy: Policy, on: date | None = None) -> Decision:
        """Screen one case under the version in force on its case date (or on `on`)."""
        ...

    def screen_cases(
        self, cases: Iterable[Case], policy: Policy, on: date | None = None
    ) -> Iterator[Decision]:
        """Screen many cases, yielding one Decision per case in input order, none lost."""
        ...
