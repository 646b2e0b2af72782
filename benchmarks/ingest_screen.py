"""Ingest and in-process screening throughput on the real Philadelphia filings.

Measures, in one run on this machine: rows/s for `read_phl_filings`, and cases/s for the
in-process engine over all 9,288 cases under each bundled Philadelphia policy (the first
pass includes loading the catalog; later passes reuse its charge readings). Results go in
docs/ingest.md with the machine they were measured on.

    .venv/bin/python benchmarks/ingest_screen.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from divert.cli.output import outcome_counts
from divert.engines.screening import screen
from divert.ingest.phl_filings import read_phl_filings
from divert.policy.load import load_policies
from divert.resources import sample_filings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    path = sample_filings()
    ingest_seconds = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        got = read_phl_filings(path)
        ingest_seconds.append(time.perf_counter() - started)
    best = min(ingest_seconds)
    print(
        f"ingest: {got.rows_read:,} rows, {len(got.cases):,} cases in {best:.2f} s "
        f"(best of {args.repeat}) = {got.rows_read / best:,.0f} rows/s"
    )
    cases = got.screening_cases()
    for policy_id, policy in sorted(load_policies().items()):
        rates = []
        for _ in range(args.repeat):
            screened = screen(cases, policy)
            rates.append(screened.cases_per_second)
        counts = ", ".join(f"{k} {v:,}" for k, v in outcome_counts(screened.decisions)) or "none"
        print(
            f"screen {policy_id}: median {statistics.median(rates):,.0f} cases/s "
            f"(first pass {rates[0]:,.0f}); {counts}; not screened "
            f"{len(screened.not_screened):,}"
        )


if __name__ == "__main__":
    main()
