"""The Spark engine as a user meets it: files in, a Parquet folder out, the same answers as DuckDB.

Few tests sharing one session: starting the JVM is the slow part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from divert.engines.duckdb import screen_duckdb
from divert.errors import InputFormatError
from engines.test_duckdb import CASES, CHARGES, PERSONS, POLICY

pytestmark = pytest.mark.spark


def test_spark_reads_parquet_and_csv_and_agrees_with_duckdb(spark: Any, tmp_path: Path) -> None:
    from divert.engines.spark import screen_spark

    expected = screen_duckdb(POLICY, CASES, CHARGES, PERSONS).sort_by("case_id").to_pylist()
    for name, table in (("cases", CASES), ("charges", CHARGES), ("persons", PERSONS)):
        pq.write_table(table, tmp_path / f"{name}.parquet")
    pacsv.write_csv(CHARGES, tmp_path / "charges.csv")
    out = screen_spark(POLICY, tmp_path / "cases.parquet", tmp_path / "charges.csv",
                       tmp_path / "persons.parquet", spark=spark, out=tmp_path / "out.parquet")
    written = pq.read_table(out).sort_by("case_id").to_pylist()
    assert written == expected


def test_spark_refuses_a_missing_column_naming_the_file(spark: Any, tmp_path: Path) -> None:
    from divert.engines.spark import screen_spark

    pq.write_table(CHARGES.drop_columns(["category"]), tmp_path / "charges.parquet")
    with pytest.raises(InputFormatError, match=r"charges.parquet: missing column\(s\) category"):
        screen_spark(POLICY, CASES, tmp_path / "charges.parquet", PERSONS, spark=spark)


def test_spark_reads_charges_given_as_wording_as_duckdb_does(spark: Any) -> None:
    from divert.engines.spark import screen_spark

    raw = pa.table({
        "case_id": ["poss-june", "pwid", "pwid", "unread"], "idx": [0, 0, 1, 0],
        "as_written": ["Int Poss Contr Subst By Per Not Reg", "Int Poss Contr Subst By Per Not Reg",
                       "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
                       "Ꝑossession of ☃ snow"],
        "citation": [None, "", None, None],
    })  # fmt: skip
    expected = screen_duckdb(POLICY, CASES, raw, PERSONS).sort_by("case_id").to_pylist()
    got = screen_spark(POLICY, CASES, raw, PERSONS, spark=spark).sort_by("case_id").to_pylist()
    assert got == expected
    assert {r["case_id"]: r["outcome"] for r in got}["pwid"] == "prosecute"
