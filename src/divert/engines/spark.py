"""The Spark batch engine: the same compiled policy query, run by Spark SQL.

For data that outgrows one machine. The query is the one DuckDB runs (engines/sql.py), only
quoted for Spark, so the answers are the same by construction and the parity test checks it.
PySpark is imported only when this module is used (the [spark] extra); `master` is
`local[*]` on a laptop or any cluster URL (`spark://…`, `yarn`, `k8s://…`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from divert.engines.arrow import conform
from divert.engines.columns import SCHEMAS
from divert.engines.decision_table import COLUMNS as DECISION_COLUMNS
from divert.engines.dialect import SPARK
from divert.engines.readings import READING_COLUMNS, normalized_charges_sql, reading_rows
from divert.engines.sql import BatchQuery, compile_policy
from divert.errors import DivertError, InputFormatError
from divert.policy.model import Policy

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SparkInput: TypeAlias = "str | Path | pa.Table | DataFrame"
_SPARK_TYPES = {"VARCHAR": "STRING", "DATE": "DATE", "INTEGER": "INT", "BOOLEAN": "BOOLEAN"}


def ddl(name: str) -> str:
    """The Spark DDL schema of one layout table, e.g. 'case_id STRING, idx INT, …'."""
    return ", ".join(f"`{c}` {_SPARK_TYPES[t]}" for c, t in SCHEMAS[name])


def session(master: str = "local[*]", app: str = "divert", **conf: str) -> SparkSession:
    """A Spark session (reused if one is running) with quiet logs and no UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # the optional extra is missing
        raise DivertError("the Spark engine needs PySpark: pip install 'divert[spark]'") from exc
    builder = SparkSession.builder.master(master).appName(app)
    for key, value in {"spark.ui.enabled": "false", **conf}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _frame(spark: SparkSession, name: str, table: SparkInput | None) -> DataFrame:
    """One input as a DataFrame: a Parquet/CSV path, an Arrow table or a DataFrame."""
    if table is None:
        return spark.createDataFrame([], ddl(name))
    if isinstance(table, pa.Table):
        return spark.createDataFrame(conform(name, table))
    if isinstance(table, str | Path):
        path = Path(table)
        if not path.exists():
            raise InputFormatError(str(path), f"the {name} file does not exist")
        if path.suffix.lower() == ".csv":
            return spark.read.csv(str(path), header=True, schema=ddl(name))
        return spark.read.parquet(str(path))
    return table


def prepare(policy: Policy, cases: SparkInput, charges: SparkInput | None = None,
            persons: SparkInput | None = None, *, spark: SparkSession | None = None,
            master: str = "local[*]", on: date | None = None, past_as_latest: bool = False,
            resolution: str = "auto",
            assume: frozenset[str] = frozenset()) -> tuple[DataFrame, BatchQuery]:
    """Register the inputs as temp views and plan the compiled query; nothing runs yet.

    Without `spark`, a session is started on `master` (`local[*]`, `spark://host:7077`, …);
    a session already running in this process is reused whatever its master (Spark's rule).
    """
    spark = spark or session(master)
    query = compile_policy(policy, SPARK, cases="divert_cases", charges="divert_charges",
                           persons="divert_persons", on=on, past_as_latest=past_as_latest,
                           resolution=resolution, decisions="divert_decisions",
                           assume=assume)
    if query.decisions is not None:
        schema = ", ".join(f"{name} {kind}" for name, kind in DECISION_COLUMNS)
        spark.createDataFrame(list(query.decisions), schema).createOrReplaceTempView(
            "divert_decisions")
    inputs = {"cases": cases, "charges": charges, "persons": persons}
    for name, table in inputs.items():
        frame = _frame(spark, name, table)
        if name == "charges":
            frame = _read_wording(spark, frame)
        missing = sorted(query.needs[name] - set(frame.columns))
        if missing:
            label = str(table) if isinstance(table, str | Path) else f"<{name} table>"
            raise InputFormatError(label, f"missing column(s) {', '.join(missing)}; the {name}"
                                   f" table needs {', '.join(c for c, _ in SCHEMAS[name])}")
        frame.createOrReplaceTempView(f"divert_{name}")
    return spark.sql(query.sql), query


def _read_wording(spark: SparkSession, frame: DataFrame) -> DataFrame:
    """Charges given as wording: each distinct (wording, citation) normalized once."""
    have = set(frame.columns)
    if "category" in have or "as_written" not in have:
        return frame
    frame.createOrReplaceTempView("divert_charges_raw")
    citation = "NULLIF(citation, '')" if "citation" in have else "CAST(NULL AS STRING)"
    pairs = [(r[0], r[1]) for r in spark.sql(
        f"SELECT DISTINCT as_written, {citation} FROM divert_charges_raw "
        "WHERE as_written IS NOT NULL").collect()]
    schema = ", ".join(f"{c} STRING" for c in READING_COLUMNS)
    spark.createDataFrame(reading_rows(pairs), schema).createOrReplaceTempView("divert_readings")
    return spark.sql(normalized_charges_sql("divert_charges_raw", "divert_readings", have, SPARK))


def screen_spark(policy: Policy, cases: SparkInput, charges: SparkInput | None = None,
                 persons: SparkInput | None = None, *, spark: SparkSession | None = None,
                 master: str = "local[*]", out: str | Path | None = None,
                 on: date | None = None, past_as_latest: bool = False,
                 resolution: str = "auto", assume: frozenset[str] = frozenset()) -> Any:
    """Screen every case on Spark: an Arrow table, or with `out` a Parquet/CSV folder.

    `master` is used only when no `spark` session is given (see prepare).
    """
    frame, _ = prepare(policy, cases, charges, persons, spark=spark, master=master, on=on,
                       past_as_latest=past_as_latest, resolution=resolution,
                       assume=assume)
    if out is None:
        return frame.toArrow()
    target = Path(out)
    writer = frame.write.mode("overwrite")
    if target.suffix.lower() == ".csv":
        writer.option("header", True).csv(str(target))
    else:
        writer.parquet(str(target))
    return target
