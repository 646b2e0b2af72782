"""The one door to screening: cases, a policy, a mode and an engine in; decisions out.

`divert screen`, `policy diff`, the import, the API, the simulation and the report all come
through here, so which version governs a case (policy/select.py) and which engine applies it
are decided the same way whoever asks. A case that cannot be screened (no date, no version in
force on it) is kept with its reason, never lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from divert.engines.inprocess import screen_version
from divert.errors import DivertError
from divert.model.case import Case
from divert.policy.explain import Decision
from divert.policy.model import Policy
from divert.policy.select import Mode, select

ENGINES = ("inprocess", "duckdb", "spark")
IN_PROCESS_UP_TO = 20_000  # cases; past this "auto" chooses DuckDB (docs/engines.md)


@dataclass(frozen=True, slots=True)
class NotScreened:
    """A case the policy could not be applied to, and why (e.g. no version in force)."""

    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScreeningRun:
    """Every case's decision, or why it has none, in input order.

    `what_if` counts the cases read as of a day not their own because they predate the
    policy (mode `past_as_latest`).
    """

    decisions: tuple[Decision, ...]
    not_screened: tuple[NotScreened, ...] = ()
    what_if: int = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def cases(self) -> int:
        return len(self.decisions) + len(self.not_screened)

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else 0.0


def choose_engine(engine: str, cases: int) -> str:
    """The engine to use: as asked, or for "auto" in-process for small inputs, else DuckDB."""
    if engine == "auto":
        return "inprocess" if cases <= IN_PROCESS_UP_TO else "duckdb"
    if engine not in ENGINES:
        raise DivertError(f"unknown engine '{engine}'; choose one of: auto, {', '.join(ENGINES)}")
    return engine


def screen_one(case: Case, policy: Policy, mode: Mode = Mode.LIVE, on: date | None = None,
               assume: frozenset[str] = frozenset()) -> Decision:
    """One case, in-process (the service's and the import's single cases).

    Raises:
        DivertError: the case cannot be screened (no date, or no version in force on it).
    """
    chosen = select(policy, case, mode, on)
    return screen_version(case, chosen.version, chosen.on, chosen.selected_by, assume)


def screen(cases: Sequence[Case], policy: Policy, mode: Mode = Mode.LIVE, *,
           on: date | None = None, engine: str = "inprocess",
           assume: frozenset[str] = frozenset(), advance: Callable[[], None] | None = None,
           master: str = "local[*]") -> ScreeningRun:
    """Screen every case under `policy` in `mode` on `engine`; decisions in input order.

    Args:
        mode: which version governs each case (policy/select.py); `on` is the as_of date.
        engine: inprocess, duckdb, spark or auto (by the number of cases).
        assume: what-if assumptions to switch on (policy/whatif.py); none for live work.
        advance: called once per case (in-process), for a progress bar.
        master: Spark's master URL (`local[*]`, or `spark://host:port` for a cluster).
    """
    started = time.perf_counter()
    chosen = choose_engine(engine, len(cases))
    decisions: list[Decision] = []
    refused: list[NotScreened] = []
    if chosen == "inprocess":
        for case in cases:
            try:
                selection = select(policy, case, mode, on)
            except DivertError as error:
                refused.append(NotScreened(case.case_id, str(error)))
            else:
                decisions.append(screen_version(case, selection.version, selection.on,
                                                selection.selected_by, assume))
            if advance is not None:
                advance()
    else:
        from divert.engines.batch import screen_cases_batch

        got = screen_cases_batch(cases, policy, engine=chosen, mode=mode, on=on,
                                 master=master, assume=assume)
        decisions, refused = list(got.decisions), list(got.not_screened)
    what_if = sum(mode is Mode.PAST_AS_LATEST and d.selected_by == "as_of" for d in decisions)
    return ScreeningRun(tuple(decisions), tuple(refused), what_if,
                        time.perf_counter() - started)
