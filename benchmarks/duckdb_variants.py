"""Time the DuckDB engine's query under other settings or Parquet writer options (issue 11).

One variant per process (so peak RSS is its own), the compiled query exactly as
`screen_duckdb` runs it; prints wall and CPU seconds (user+sys, less disturbed by other jobs
on a shared machine than wall time) of the `COPY … TO` and the peak RSS. Run the baseline
and a variant alternately, a few times, and compare in one sitting:

    .venv/bin/python benchmarks/duckdb_variants.py 10m
    .venv/bin/python benchmarks/duckdb_variants.py 10m --copy "COMPRESSION lz4"
    .venv/bin/python benchmarks/duckdb_variants.py 10m --copy "DICTIONARY_SIZE_LIMIT 1"
    .venv/bin/python benchmarks/duckdb_variants.py 10m --memory 2GB --threads 4
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from divert.engines.duckdb import DuckDBSettings, connect, prepare  # noqa: E402
from divert.policy.load import load_policies  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size")
    parser.add_argument("--memory", default="800MB", help="memory_limit (run.py uses 800MB)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--copy", default="",
                        help="extra COPY options, e.g. 'ROW_GROUP_SIZE 1000000'")
    parser.add_argument("--set", nargs="*", default=[], help="SQL run before the query")
    args = parser.parse_args()
    folder = ROOT / "benchmarks" / "data" / args.size
    policy = load_policies(ROOT / "benchmarks" / "policies")["bench-screening"]
    con, sql = prepare(policy, folder / "cases.parquet", folder / "charges.parquet",
                       folder / "persons.parquet",
                       con=connect(DuckDBSettings(args.memory, args.threads)))
    for statement in args.set:
        con.execute(statement)
    out = ROOT / "benchmarks" / "data" / "out" / f"variant-{args.size}.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    options = f", {args.copy}" if args.copy else ""
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT PARQUET{options})")
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(json.dumps({"size": args.size, "memory": args.memory, "threads": args.threads,
                      "copy": args.copy, "set": args.set, "wall": round(wall, 2),
                      "cpu": round(cpu, 2), "rss_mb": after.ru_maxrss // 1024,
                      "load": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()
