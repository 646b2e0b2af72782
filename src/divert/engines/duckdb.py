"""The DuckDB batch engine: the compiled policy query over Parquet, CSV or Arrow, streamed.

DuckDB is the embedded default for batch work: it reads Parquet and CSV directly, runs the
query vectorized on every core, and `COPY … TO` streams results to disk, so memory stays flat
under `memory_limit` whatever the input size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeAlias

import duckdb
import pyarrow as pa

from divert.engines.arrow import conform
from divert.engines.columns import SCHEMAS
from divert.engines.decision_table import values_sql
from divert.engines.dialect import DUCKDB
from divert.engines.readings import normalized_charges_sql, readings_sql
from divert.engines.sql import BatchQuery, compile_policy
from divert.errors import InputFormatError
from divert.policy.model import Policy

TableInput: TypeAlias = "str | Path | pa.Table"


@dataclass(frozen=True, slots=True)
class DuckDBSettings:
    """Resource limits: DuckDB spills to disk rather than exceed `memory_limit`."""

    memory_limit: str = "1GB"
    threads: int | None = None  # None: every core
    temp_directory: str | None = None


def connect(settings: DuckDBSettings = DuckDBSettings()) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set for streaming batch work."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{settings.memory_limit}'")
    # Row order is not part of the answer (every row carries its case_id); dropping it lets
    # DuckDB stream in parallel without buffering.
    con.execute("SET preserve_insertion_order = false")
    if settings.threads:
        con.execute(f"SET threads = {int(settings.threads)}")
    if settings.temp_directory:
        con.execute(f"SET temp_directory = '{settings.temp_directory}'")
    return con


def _source(con: duckdb.DuckDBPyConnection, name: str, table: TableInput | None) -> str:
    """Register one input as view `name`: a Parquet or CSV file, or an Arrow table."""
    schema = SCHEMAS[name]
    if table is None:  # e.g. no prior-record table: every person fact is unknown
        cols = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in schema)
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT {cols} WHERE FALSE")
        return name
    if isinstance(table, pa.Table):
        con.register(f"{name}_arrow", conform(name, table))
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {name}_arrow")
        return name
    path = Path(table)
    if not path.exists():
        raise InputFormatError(str(path), f"the {name} file does not exist")
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.suffix.lower() == ".parquet" or path.is_dir():
        reader = f"read_parquet({literal})" if path.is_file() else (
            f"read_parquet({literal[:-1]}/**/*.parquet')")
    elif path.suffix.lower() in (".csv", ".gz", ".tsv"):
        header = con.execute(f"SELECT * FROM read_csv({literal}, header = true, "
                             "all_varchar = true) LIMIT 0").description or []
        present = {col[0] for col in header}
        types = "{" + ", ".join(f"'{c}': '{t}'" for c, t in schema if c in present) + "}"
        reader = f"read_csv({literal}, header = true, types = {types})"
    else:
        raise InputFormatError(str(path), "expected .parquet or .csv (or a Parquet folder)")
    con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {reader}")
    return name


def _read_wording(con: duckdb.DuckDBPyConnection) -> None:
    """Charges given as wording (no category column): normalize each distinct pair once."""
    have = {row[0] for row in con.execute("DESCRIBE charges").fetchall()}
    if "category" in have or "as_written" not in have:
        return
    con.execute("ALTER VIEW charges RENAME TO charges_raw")
    citation = "NULLIF(citation, '')" if "citation" in have else "NULL"
    pairs = con.execute(f"SELECT DISTINCT as_written, {citation} FROM charges_raw "
                        "WHERE as_written IS NOT NULL").fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE readings AS SELECT * FROM "
                + readings_sql(pairs, DUCKDB))
    con.execute("CREATE OR REPLACE VIEW charges AS "
                + normalized_charges_sql("charges_raw", "readings", have, DUCKDB))


def _check_columns(con: duckdb.DuckDBPyConnection, query: BatchQuery,
                   inputs: Mapping[str, TableInput | None]) -> None:
    """Refuse an input that lacks a column the policy reads, naming the file and column."""
    for name, needed in query.needs.items():
        have = {row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()}
        missing = sorted(needed - have)
        if missing:
            where = inputs.get(name)
            label = str(where) if isinstance(where, str | Path) else f"<{name} table>"
            raise InputFormatError(
                label, f"missing column(s) {', '.join(missing)}; the {name} table needs "
                + ", ".join(c for c, _ in SCHEMAS[name])
            )


def _decision_table(con: duckdb.DuckDBPyConnection, query: BatchQuery) -> None:
    """Register the decision table, its text columns as ENUMs.

    Every output row repeats one of a few outcomes, `because` lists and sha256s; as ENUMs
    they are written as small integers into Parquet dictionaries, not re-hashed as strings
    per row (about a second saved per 5 million cases, docs/benchmarks.md).
    """
    assert query.decisions is not None
    con.execute("CREATE OR REPLACE TEMP TABLE decisions_text AS SELECT * FROM "
                + values_sql(query.decisions, DUCKDB))
    texts = ("outcome", "because", "policy_id", "policy_sha256", "vehicle")
    if not query.decisions:
        con.execute("CREATE OR REPLACE TEMP VIEW decisions AS SELECT * FROM decisions_text")
        return
    for col in texts:
        con.execute(f"CREATE TYPE divert_{col} AS ENUM "
                    f"(SELECT DISTINCT {col} FROM decisions_text)")
    casts = ", ".join(f"{col}::divert_{col} AS {col}" for col in texts)
    con.execute(f"CREATE OR REPLACE TEMP TABLE decisions AS SELECT signature, {casts} "
                "FROM decisions_text")


def prepare(policy: Policy, cases: TableInput, charges: TableInput | None = None,
            persons: TableInput | None = None, *, con: duckdb.DuckDBPyConnection | None = None,
            on: date | None = None, past_as_latest: bool = False,
            resolution: str = "auto",
            assume: frozenset[str] = frozenset()) -> tuple[duckdb.DuckDBPyConnection, str]:
    """Register the inputs and compile the policy; returns the connection and the SQL."""
    con = con or connect()
    inputs: dict[str, TableInput | None] = {"cases": cases, "charges": charges,
                                            "persons": persons}
    for name, table in inputs.items():
        _source(con, name, table)
    _read_wording(con)
    query = compile_policy(policy, DUCKDB, on=on, past_as_latest=past_as_latest,
                           resolution=resolution, assume=assume)
    _check_columns(con, query, inputs)
    if query.decisions is not None:
        _decision_table(con, query)
    return con, query.sql


def screen_duckdb(policy: Policy, cases: TableInput, charges: TableInput | None = None,
                  persons: TableInput | None = None, *, out: str | Path | None = None,
                  settings: DuckDBSettings = DuckDBSettings(), on: date | None = None,
                  past_as_latest: bool = False, resolution: str = "auto",
                  assume: frozenset[str] = frozenset()) -> pa.Table | Path:
    """Screen every case against `policy` on DuckDB.

    With `out` (.parquet or .csv) the result streams to that file and its path is returned;
    without, the result comes back as an Arrow table. `resolution`: see sql.compile_policy.
    """
    con, sql = prepare(policy, cases, charges, persons, con=connect(settings), on=on,
                       past_as_latest=past_as_latest, resolution=resolution,
                       assume=assume)
    try:
        return _run(con, sql, out)
    except (duckdb.ConversionException, duckdb.InvalidInputException) as exc:
        # A value that is not of its column's type (e.g. a date that is not a date in a CSV).
        raise InputFormatError("<input>", f"a value could not be read: {exc}") from exc
    finally:
        con.close()


def _run(con: duckdb.DuckDBPyConnection, sql: str, out: str | Path | None) -> pa.Table | Path:
    """Run the query into an Arrow table, or stream it to a Parquet or CSV file."""
    if out is None:
        result: pa.Table = con.sql(sql).to_arrow_table()
        return result
    target = Path(out)
    fmt = "CSV, HEADER" if target.suffix.lower() == ".csv" else "PARQUET"
    literal = "'" + str(target).replace("'", "''") + "'"
    con.execute(f"COPY ({sql}) TO {literal} (FORMAT {fmt})")
    return target
