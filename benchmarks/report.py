"""Turn results.json (from run.py) into the Markdown tables of docs/benchmarks.md.

    .venv/bin/python benchmarks/report.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "data" / "out" / "results.json"
CHARGES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}


def table(results: dict) -> str:  # type: ignore[type-arg]
    runs = [r for r in results["runs"] if "error" not in r]
    lines = ["| engine | charges | time (s) | charges/s | peak RSS (MB) | × fastest |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for size in CHARGES:
        here = [r for r in runs if r["size"] == size]
        if not here:
            continue
        fastest = min(r["seconds"] for r in here)
        for r in sorted(here, key=lambda r: r["seconds"]):
            n = CHARGES[size]
            lines.append(
                f"| {r['engine']} | {n:,} | {r['seconds']:.2f} | {n / r['seconds']:,.0f} | "
                f"{r['rss_mb']:,.0f} | {r['seconds'] / fastest:.1f} |")
    for r in results["runs"]:
        if "error" in r:
            lines.append(f"| {r['engine']} | {CHARGES[r['size']]:,} | {r['error']} | | | |")
    return "\n".join(lines)


def spark_phases(results: dict) -> str:  # type: ignore[type-arg]
    lines = ["| master | charges | JVM start (s) | planning (s) | execution (s) | driver JVM peak "
             "RSS (MB) | executors' peak RSS (MB) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results["runs"]:
        if r["engine"] == "spark" and "error" not in r:
            p = r["phases"]
            executors = p.get("executors_peak_mb")
            lines.append(f"| {r.get('spark_master', 'local[2]')} | {CHARGES[r['size']]:,} | "
                         f"{p['jvm_start']:.1f} | {p['planning']:.1f} | {p['execution']:.1f} | "
                         f"{p['jvm_peak_mb']:,.0f} | "
                         f"{'' if executors is None else f'{executors:,.0f}'} |")
    return "\n".join(lines)


def main() -> None:
    results = json.loads((Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS).read_text())
    print(results["machine"], "\n")
    print(table(results), "\n")
    print(spark_phases(results), "\n")
    for size, verdict in results["agreement"].items():
        print(f"- {size}: " + "; ".join(f"{e}: {v}" for e, v in verdict.items()))


if __name__ == "__main__":
    main()
