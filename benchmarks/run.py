"""Time every engine side by side in one run: end to end from Parquet, peak RSS, agreement.

Each engine runs in its own subprocess (benchmarks/worker.py); its peak RSS is the child's
ru_maxrss from os.wait4 (plus, for Spark, the JVM's own VmHWM, which wait4 cannot see). The
outputs are then compared row by row on case_id: every engine must give the same version,
outcome, because and rule truths as the per-record loop (or, where the loop was skipped,
as DuckDB).

    .venv/bin/python benchmarks/generate.py 100k 1m 10m
    .venv/bin/python benchmarks/run.py --sizes 100k 1m 10m --engines duckdb polars numpy loop spark

The polars reference needs the [bench] extra: .venv/bin/pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "data" / "out"
CHARGES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}


def run_one(engine: str, size: str, timeout: float,
            spark_master: str | None = None) -> dict[str, object]:
    """Run one worker, reaping it ourselves so that ru_maxrss is this child's own (in MB)."""
    started = time.perf_counter()
    extra = [spark_master] if spark_master and engine == "spark" else []
    proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "worker.py"), engine, size,
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"engine": engine, "size": size, "error": f"stopped after {timeout:.0f} s"}
        time.sleep(0.05)
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        return {"engine": engine, "size": size, "error": (err.strip().splitlines() or ["?"])[-1]}
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    rss = usage.ru_maxrss / 1024
    phases: dict[str, float | None] = result.get("phases") or {}  # type: ignore[assignment]
    # Spark: plus the driver JVM's peak and, on a cluster, the executors' (all on this machine)
    result["rss_mb"] = rss + (phases.get("jvm_peak_mb") or 0) + (
        phases.get("executors_peak_mb") or 0)
    if extra:
        result["spark_master"] = spark_master
    return result


def agree(size: str, engines: list[str]) -> dict[str, str]:
    """Compare every engine's output with the reference's, row by row on case_id."""
    files = {e: OUT / f"{e}-{size}.parquet" for e in engines if (OUT / f"{e}-{size}.parquet")
             .exists()}
    ref = "loop" if "loop" in files else "duckdb"
    if ref not in files:
        return {}
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    columns = [r[0] for r in con.sql(f"DESCRIBE SELECT * FROM '{files[ref]}'").fetchall()]
    truths = [c for c in columns if c.startswith("truth:")]
    verdict: dict[str, str] = {}
    for engine, path in files.items():
        if engine == ref:
            continue
        src = f"'{path}/*.parquet'" if path.is_dir() else f"'{path}'"
        diff = " OR ".join(f'a."{c}" IS DISTINCT FROM b."{c}"'
                           for c in ("policy_version", "outcome", "because", *truths))
        n, bad = con.sql(
            f"SELECT count(*), count(*) FILTER (WHERE b.case_id IS NULL OR {diff}) "
            f"FROM '{files[ref]}' a LEFT JOIN {src} b USING (case_id)").fetchall()[0]
        verdict[engine] = f"{n - bad:,}/{n:,} rows equal to {ref}"
    return verdict


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, DuckDB "
            f"{duckdb.__version__}; load average at start {load[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["100k", "1m", "10m"])
    parser.add_argument("--engines", nargs="+",
                        default=["duckdb", "polars", "numpy", "loop", "spark"])
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--skip", nargs="*", default=[],
                        help="engine:size pairs not to run, e.g. loop:10m (too slow to wait for)")
    parser.add_argument("--json", type=Path, default=OUT / "results.json")
    parser.add_argument("--spark-master", default=None,
                        help="run the spark engine through this master URL (e.g. "
                             "spark://127.0.0.1:7077, see spark_cluster.py) instead of local[2]")
    args = parser.parse_args()
    if "polars" in args.engines and importlib.util.find_spec("polars") is None:
        parser.exit(2, "the polars reference needs Polars, a benchmark-only dependency:\n"
                       "    .venv/bin/pip install -e '.[bench]'\n"
                       "(or leave it out: --engines duckdb numpy loop spark)\n")
    results = {"machine": machine(), "runs": [], "agreement": {}}
    print(results["machine"], flush=True)
    for size in args.sizes:
        for engine in args.engines:
            if f"{engine}:{size}" in args.skip:
                continue
            r = run_one(engine, size, args.timeout, args.spark_master)
            results["runs"].append(r)  # type: ignore[attr-defined]
            print(json.dumps(r), flush=True)
        results["agreement"][size] = agree(size, args.engines)  # type: ignore[index]
        print(size, results["agreement"][size], flush=True)  # type: ignore[index]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
