"""The library's door to batch screening: choose an engine, screen tables or plain cases.

`screen_table` runs the compiled policy over the batch layout (files or Arrow tables) on
DuckDB or Spark. `screen_cases_batch` takes the plain Case values the CLI has read and gives
back Decisions like the in-process engine's, without the rendered sentences (a batch engine
returns truths; explanations are rendered from them on demand), so the CLI's writing and
summary work unchanged whichever engine ran.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from divert.engines.sql import BECAUSE_SEPARATOR, TRUTH_PREFIX
from divert.errors import DivertError
from divert.model.case import Case
from divert.policy import dispose
from divert.policy.explain import Decision, Disposition, Outcome, RuleResult, Truth
from divert.policy.model import Policy

ENGINES = ("inprocess", "duckdb", "spark")
IN_PROCESS_UP_TO = 20_000  # cases; past this the default is DuckDB (docs/engines.md)
_TRUTH = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}


def choose_engine(engine: str, cases: int) -> str:
    """The engine to use: as asked, or for "auto" in-process for small inputs, else DuckDB."""
    if engine == "auto":
        return "inprocess" if cases <= IN_PROCESS_UP_TO else "duckdb"
    if engine not in ENGINES:
        raise DivertError(f"unknown engine '{engine}'; choose one of: auto, {', '.join(ENGINES)}")
    return engine


def screen_table(policy: Policy, cases: Any, charges: Any = None, persons: Any = None, *,
                 engine: str = "duckdb", out: str | Path | None = None,
                 on: date | None = None, past_as_latest: bool = False,
                 master: str = "local[*]", assume: frozenset[str] = frozenset()) -> Any:
    """Screen the batch layout (Parquet/CSV paths or Arrow tables) on DuckDB or Spark.

    Returns an Arrow table, or with `out` the path written. Columns: case_id, policy_id,
    policy_version, policy_sha256, outcome, because and `truth:<rule id>` per rule.
    """
    if engine == "duckdb":
        from divert.engines.duckdb import screen_duckdb

        return screen_duckdb(policy, cases, charges, persons, out=out, on=on,
                             past_as_latest=past_as_latest, assume=assume)
    if engine == "spark":
        from divert.engines.spark import screen_spark, session

        return screen_spark(policy, cases, charges, persons, spark=session(master), out=out,
                            on=on, past_as_latest=past_as_latest, assume=assume)
    raise DivertError(f"screen_table runs the batch engines (duckdb, spark), not '{engine}'")


@dataclass(frozen=True, slots=True)
class BatchScreening:
    decisions: tuple[Decision, ...]
    not_screened: tuple[tuple[str, str], ...]  # (case_id, why)
    seconds: float


def screen_cases_batch(cases: Sequence[Case], policy: Policy, *, engine: str = "duckdb",
                       on: date | None = None, past_as_latest: bool = False,
                       master: str = "local[*]",
                       assume: frozenset[str] = frozenset()) -> BatchScreening:
    """Screen plain cases on a batch engine; Decisions in input order, or why not screened."""
    from divert.engines.inprocess import read_charges
    from divert.engines.tables import tables_from_cases

    started = time.perf_counter()
    tables = tables_from_cases(cases)
    result: pa.Table = screen_table(policy, tables.cases, tables.charges, tables.persons,
                                    engine=engine, on=on, past_as_latest=past_as_latest,
                                    master=master, assume=assume)
    rows = {row["case_id"]: row for row in result.to_pylist()}
    versions = {v.version: v for v in policy.versions}
    applies_by = policy.latest().applies_by
    decisions: list[Decision] = []
    refused: list[tuple[str, str]] = []
    for case in cases:
        row = rows[case.case_id]
        version = versions.get(row["policy_version"])
        when = case.date_for(applies_by)
        if version is None:
            refused.append((case.case_id, f"no version of policy {policy.id} is in force on "
                            f"its {applies_by} ({when.isoformat() if when else 'missing'})"))
            continue
        if on is None and past_as_latest and when and when < policy.live()[0].effective_from:
            on_case: date | None = policy.latest().effective_from
        else:
            on_case = on
        results = tuple(
            RuleResult(r.id, r.clause, _TRUTH[row[TRUTH_PREFIX + r.id]],
                       r.outcome if row[TRUTH_PREFIX + r.id] else None, "")
            for r in version.rules)
        because = tuple(row["because"].split(BECAUSE_SEPARATOR)) if row["because"] else ()
        outcome = Outcome(row["outcome"])
        if row["dispositions"] is None:  # no charge rule: every charge follows the case
            dispositions = tuple(dispose.disposition(outcome, [], []) for _ in case.charges)
        else:
            dispositions = tuple(Disposition(d) for d in row["dispositions"].split(";"))
        decisions.append(Decision(
            case.case_id, outcome, because, results, read_charges(case), (),
            version.ref, on_case or when, "as_of" if on_case else applies_by, engine,
            vehicle=row["vehicle"], dispositions=dispositions, assumptions=tuple(sorted(assume))))
    return BatchScreening(tuple(decisions), tuple(refused), time.perf_counter() - started)
