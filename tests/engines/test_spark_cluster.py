"""The Spark engine on a real cluster: a standalone master and two workers on loopback.

`local[*]` runs every task inside the driver's JVM; here the driver, the master and two
executors are separate JVMs, so the plan is shipped, the inputs read by executors and the
aggregate and joins shuffled between them, as on a real cluster. A sample of the real
filings is screened through the master URL and every output row must equal DuckDB's. Kept
light for CI: 1 core and 1 GB per worker, one policy, 2,000 filing rows; the time is mostly
the JVMs starting (master, two workers, the driver, two executors).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from conftest import FILINGS, REPO, missing_part
from divert.engines.duckdb import screen_duckdb
from divert.policy.load import load_policies

pytestmark = [pytest.mark.spark, pytest.mark.slow]
POLICY = "phl-dao-simple-possession"
WHAT_IF = frozenset({"assume.hidden_charges_lesser", "assume.no_unpublished_record"})
SAMPLE = 2_000  # filing rows (of 12,564)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A standalone cluster, started but not waited for (the test prepares its data while
    the JVMs start); every daemon is stopped afterwards."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing_part("PySpark is not installed: pip install 'divert[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing_part("Java is not installed: Spark needs Java 17")
    # loaded by path: putting benchmarks/ on sys.path would let its run.py or report.py
    # shadow other modules for the rest of the test session
    spec = importlib.util.spec_from_file_location(
        "divert_bench_spark_cluster", REPO / "benchmarks" / "spark_cluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    home = tmp_path_factory.mktemp("spark-cluster")
    running = module.StandaloneCluster(home, workers=2, cores=1, memory="1g").start()
    try:
        yield running
    finally:
        running.stop()
    assert all(p.poll() is not None for p in running.procs), "a Spark daemon outlived it"


def test_spark_on_a_standalone_cluster_agrees_with_duckdb_on_every_filing(
    cluster: Any, tmp_path: Path,
) -> None:
    from divert.engines.layout import tables_from_cases
    from divert.ingest.reader import read_cases

    # A sample keeps the test light (the JVMs are most of its time); every filing is
    # compared on local[2] in test_parity.py.
    lines = FILINGS.read_text().splitlines(keepends=True)
    sample = tmp_path / "sample.csv"
    sample.write_text("".join(lines[: SAMPLE + 1]))
    tables = tables_from_cases(read_cases(sample).cases)
    for name in ("cases", "charges", "persons"):
        pq.write_table(getattr(tables, name), tmp_path / f"{name}.parquet")
    expected = screen_duckdb(load_policies()[POLICY], tables.cases, tables.charges,
                             tables.persons, past_as_latest=True, assume=WHAT_IF)
    out = tmp_path / "spark-out"
    cluster.wait()  # both workers ALIVE
    driver = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("spark_cluster_driver.py")), cluster.url,
         str(tmp_path), str(out), POLICY], capture_output=True, text=True, timeout=300)
    assert driver.returncode == 0, driver.stderr[-3000:]
    ran = json.loads(driver.stdout.strip().splitlines()[-1])
    print("driver:", ran)  # seconds to start the session and to screen (pytest -s)
    assert (ran["master"], ran["executors"]) == (cluster.url, 2)
    got = pq.read_table(out).sort_by("case_id").to_pylist()
    assert got == expected.sort_by("case_id").to_pylist()
    assert len(got) == tables.cases.num_rows > 1_000
    assert sum(1 for row in got if row["outcome"] == "divert") > 20  # vehicles compared too
