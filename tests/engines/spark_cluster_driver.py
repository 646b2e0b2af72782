"""The driver side of test_spark_cluster.py, in its own process.

A Python process holds one SparkSession, and the test session's `local[2]` one may already be
running; a driver of its own is the only way to be sure the screening goes through the
standalone master. Prints one JSON line: the master, the executors that ran, and the seconds
to start the session (driver JVM, executors granted) and to screen.

    python tests/engines/spark_cluster_driver.py spark://127.0.0.1:7077 FOLDER OUT POLICY
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from divert.engines.spark import screen_spark, session
from divert.policy.load import load_policies

WHAT_IF = frozenset({"assume.hidden_charges_lesser", "assume.no_unpublished_record"})


def main(master: str, folder: Path, out: Path, policy_id: str) -> None:
    started = time.perf_counter()
    spark = session(master, "divert-cluster-test", **{
        "spark.executor.memory": "512m", "spark.executor.cores": "1", "spark.cores.max": "2",
        "spark.driver.memory": "512m", "spark.sql.shuffle.partitions": "4",
        "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
        "spark.pyspark.python": sys.executable})
    session_s = time.perf_counter() - started
    try:
        screen_spark(load_policies()[policy_id], folder / "cases.parquet",
                     folder / "charges.parquet", folder / "persons.parquet", spark=spark,
                     out=out, past_as_latest=True, assume=WHAT_IF)
        # the driver's block manager plus one per executor
        executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
        print(json.dumps({"master": spark.sparkContext.master, "executors": executors,
                          "session_s": round(session_s, 1),
                          "screen_s": round(time.perf_counter() - started - session_s, 1)}))
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
