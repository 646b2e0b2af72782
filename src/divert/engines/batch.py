"""Batch screening on DuckDB or Spark: tables in, or plain cases in and Decisions out.

`screen_table` runs the compiled policy over the batch layout (files or Arrow tables).
`screen_cases_batch`, reached through engines/screening.py (the one door), takes plain Case
values and gives back Decisions like the in-process engine's, without the rendered
sentences (a batch engine returns truths; explanations are rendered from them on demand).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from divert.engines.screening import NotScreened, ScreeningRun
from divert.engines.sql import BECAUSE_SEPARATOR, TRUTH_PREFIX
from divert.errors import DivertError
from divert.model.case import Case
from divert.policy import dispose
from divert.policy.explain import Decision, Disposition, Outcome, RuleResult, Truth
from divert.policy.model import Policy
from divert.policy.select import Mode, select

_TRUTH = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}


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


def screen_cases_batch(cases: Sequence[Case], policy: Policy, *, engine: str = "duckdb",
                       mode: Mode = Mode.LIVE, on: date | None = None,
                       master: str = "local[*]",
                       assume: frozenset[str] = frozenset()) -> ScreeningRun:
    """Screen plain cases on a batch engine; Decisions in input order, or why not screened.

    The engine picks each version in SQL, compiled from policy/select.py's definition; the
    date and reason recorded come from `select` for the same case, and must agree with it.
    """
    from divert.engines.inprocess import read_charges
    from divert.engines.layout import tables_from_cases

    tables = tables_from_cases(cases)
    result: pa.Table = screen_table(policy, tables.cases, tables.charges, tables.persons,
                                    engine=engine, on=on if mode is Mode.AS_OF else None,
                                    past_as_latest=mode is Mode.PAST_AS_LATEST,
                                    master=master, assume=assume)
    rows = {row["case_id"]: row for row in result.to_pylist()}
    versions = {v.version: v for v in policy.versions}
    decisions: list[Decision] = []
    refused: list[NotScreened] = []
    for case in cases:
        row = rows[case.case_id]
        try:
            chosen = select(policy, case, mode, on)
        except DivertError as error:
            refused.append(NotScreened(case.case_id, str(error)))
            continue
        version = versions.get(row["policy_version"])
        if version is None or version.version != chosen.version.version:
            raise DivertError(f"{engine} chose v{row['policy_version']} of {policy.id} for case "
                              f"{case.case_id}, policy/select.py v{chosen.version.version}")
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
            version.ref, chosen.on, chosen.selected_by, engine,
            vehicle=row["vehicle"], dispositions=dispositions, assumptions=tuple(sorted(assume))))
    return ScreeningRun(tuple(decisions), tuple(refused))
