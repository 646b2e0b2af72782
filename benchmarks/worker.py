"""One engine on one data size, in its own process, so peak RSS belongs to that engine alone.

    .venv/bin/python benchmarks/worker.py duckdb 1m
    .venv/bin/python benchmarks/worker.py spark 1m spark://127.0.0.1:7077   # through a cluster
    .venv/bin/python benchmarks/worker.py duckdb@4GB 50m   # memory_limit 4GB, not 800MB
prints one JSON line: engine, size, seconds (end to end from Parquet to Parquet: import,
policy load, read, screen, write), phases, rows written, and for Spark the JVM's peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT / "benchmarks" / "data"
OUT = DATA / "out"


def _policy():  # type: ignore[no-untyped-def]
    from divert.policy.load import load_policies

    return load_policies(ROOT / "benchmarks" / "policies")["bench-screening"]


def run_duckdb(folder: Path, out: Path, memory_limit: str = "800MB") -> dict[str, float]:
    from divert.engines.duckdb import DuckDBSettings, screen_duckdb

    policy = _policy()
    t = time.perf_counter()
    screen_duckdb(policy, folder / "cases.parquet", folder / "charges.parquet",
                  folder / "persons.parquet", out=out, settings=DuckDBSettings(memory_limit))
    return {"screen": time.perf_counter() - t}


def run_duckdb_profiled(folder: Path, out: Path) -> dict[str, float]:
    """DuckDB as run_duckdb, with its JSON profile on: where time goes and what spilled.

    A separate engine name because profiling costs time of its own; run.py times `duckdb`.
    """
    import json

    from divert.engines.duckdb import DuckDBSettings, _run, connect, prepare

    policy = _policy()
    t = time.perf_counter()
    con, sql = prepare(policy, folder / "cases.parquet", folder / "charges.parquet",
                       folder / "persons.parquet", con=connect(DuckDBSettings("800MB")))
    profile = out.with_suffix(".profile.json")
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{profile}'")
    _run(con, sql, out)
    con.execute("PRAGMA disable_profiling")
    seconds = time.perf_counter() - t
    con.close()
    system = json.loads(profile.read_text()).get("system", {})
    return {"screen": seconds,
            "spilled_mb": system.get("total_bytes_spilled", 0) / 2**20,
            "peak_temp_dir_mb": system.get("peak_temp_dir_size", 0) / 2**20,
            "peak_buffer_mb": system.get("peak_buffer_memory", 0) / 2**20}


def _jvm_peak_mb() -> float | None:
    """Peak RSS (VmHWM) of the JVM this Python process started, read from /proc."""
    import os

    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split(") ")[1].split()
            if fields[1] != me:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except (OSError, IndexError):
            continue
    return None


def _executors_peak_mb(app_id: str) -> float | None:
    """Summed peak RSS (VmHWM) of this application's executor JVMs on this machine.

    On a standalone cluster the executors are the workers' children, not ours; each one's
    command line names the application id.
    """
    total, found = 0.0, False
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes()
            if b"CoarseGrainedExecutorBackend" not in args or app_id.encode() not in args:
                continue
            for line in (cmdline.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total, found = total + int(line.split()[1]) / 1024, True
        except OSError:
            continue
    return total if found else None


def run_spark(folder: Path, out: Path, master: str | None = None) -> dict[str, float | None]:
    """Spark on `local[2]`, or through a cluster's master URL (executors: 2 GB, 1 core)."""
    from divert.engines.spark import prepare, session

    policy = _policy()
    conf = {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "8"}
    if master:
        conf = {"spark.driver.memory": "2g", "spark.executor.memory": "2g",
                "spark.executor.cores": "1", "spark.sql.shuffle.partitions": "8",
                "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    t0 = time.perf_counter()
    spark = session(master or "local[2]", "divert-bench", **conf)
    t1 = time.perf_counter()
    frame, _ = prepare(policy, str(folder / "cases.parquet"), str(folder / "charges.parquet"),
                       str(folder / "persons.parquet"), spark=spark)
    frame._jdf.queryExecution().executedPlan()  # analysis, optimization, physical planning
    t2 = time.perf_counter()
    frame.write.mode("overwrite").parquet(str(out))
    t3 = time.perf_counter()
    jvm = _jvm_peak_mb()
    executors = _executors_peak_mb(spark.sparkContext.applicationId) if master else None
    spark.stop()
    return {"jvm_start": t1 - t0, "planning": t2 - t1, "execution": t3 - t2, "jvm_peak_mb": jvm,
            "executors_peak_mb": executors}


def run_numpy(folder: Path, out: Path) -> dict[str, float]:
    from reference_numpy import screen_numpy

    policy = _policy()
    t = time.perf_counter()
    screen_numpy(policy, folder, out)
    return {"screen": time.perf_counter() - t}


def run_polars(folder: Path, out: Path) -> dict[str, float]:
    from reference_polars import screen_polars

    policy = _policy()
    t = time.perf_counter()
    screen_polars(policy, folder, out)
    return {"screen": time.perf_counter() - t}


def run_loop(folder: Path, out: Path) -> dict[str, float]:
    from reference_loop import screen_loop

    policy = _policy()
    t = time.perf_counter()
    screen_loop(policy, folder, out)
    return {"screen": time.perf_counter() - t}


ENGINES = {"duckdb": run_duckdb, "duckdb-profiled": run_duckdb_profiled, "spark": run_spark,
           "numpy": run_numpy, "loop": run_loop, "polars": run_polars}


def main(engine: str, size: str, spark_master: str | None = None) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"{engine}-{size}.parquet"
    if spark_master and engine == "spark":
        phases = run_spark(DATA / size, out, spark_master)
    elif engine.startswith("duckdb@"):  # another memory_limit, e.g. duckdb@4GB
        phases = run_duckdb(DATA / size, out, engine.split("@", 1)[1])
    else:
        phases = ENGINES[engine](DATA / size, out)
    seconds = time.perf_counter() - STARTED
    print(json.dumps({"engine": engine, "size": size, "seconds": seconds, "phases": phases}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
