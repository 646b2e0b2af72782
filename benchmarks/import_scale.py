"""Import at scale (issue 11 item 5): N invented filings rows imported and screened into a
fresh store, then imported again (which must add nothing).

The rows are shaped like data/phl_filings_2021-08_2022-01.csv — the same columns, each
column's values drawn independently from that column's values in the shipped file (so no
real row is copied whole), with invented case and person ids (C-/P- and 12 hex digits from a
seeded generator) and filing dates spread over 2019-2025 (the office's 2018 policy is in
force on them). About one case in three has a second bail row, as in the real feed.

Each import runs in its own process, `divert import` exactly as an operator runs it,
so the peak RSS printed is that import's own (ru_maxrss of the child).

    .venv/bin/python benchmarks/import_scale.py --rows 1000000 \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/divert_bench]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from divert.resources import sample_filings

sys.path.insert(0, str(Path(__file__).parent))
from serving import fresh_postgres, load

CASE_FIELDS = ("court", "person_link", "top_charge", "age", "zip", "defense")
ROW_FIELDS = ("bail_type", "bail_amount", "bail_status", "outstanding_bail_amount",
              "in_custody", "case_status")


def generate(path: Path, rows: int, seed: int = 11) -> int:
    """Write `rows` rows to `path`; returns the number of cases they describe."""
    with sample_filings().open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or ())
        real = list(reader)
    pools = {name: [r[name] for r in real] for name in header}
    rng = random.Random(seed)
    start = datetime(2019, 1, 2, 6, 0)
    span = (datetime(2025, 12, 20) - start).total_seconds()
    people = max(1, rows // 3)
    written = cases = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(header)
        while written < rows:
            cases += 1
            filed = start + timedelta(seconds=int(span * written / rows))
            case = {name: rng.choice(pools[name]) for name in CASE_FIELDS}
            case |= {"case_id": f"C-{rng.getrandbits(48):012x}",
                     "person_id": f"P-{rng.randrange(people) * 2654435761 % 2**48:012x}",
                     "filing_date": filed.isoformat(timespec="seconds")}
            for k in range(1 + (rng.random() < 0.35)):
                if written >= rows:
                    break
                row = case | {name: rng.choice(pools[name]) for name in ROW_FIELDS}
                row["bail_date"] = (filed + timedelta(hours=1 + 30 * k)).isoformat(
                    timespec="seconds")
                w.writerow([row.get(name, "") for name in header])
                written += 1
    return cases


def run_import(csv_path: Path, url: str, logs: Path) -> tuple[float, float, str]:
    """`divert import` in a child process: seconds, its own peak RSS in MiB (wait4), and
    its summary line."""
    cli = Path(sys.executable).with_name("divert")
    with (logs / "out").open("w") as out, (logs / "err").open("w") as err:
        started = time.perf_counter()
        child = subprocess.Popen([str(cli), "import", str(csv_path), "--url", url,
                                  "--show", "0"], stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"import failed ({child.returncode}): "
                         f"{(logs / 'err').read_text()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, (logs / "out").read_text().strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to import into as well "
                        "(its public schema is dropped first)")
    parser.add_argument("--keep", type=Path, help="write the generated CSV here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = args.keep or Path(tmp) / "filings.csv"
        t0 = time.perf_counter()
        cases = generate(csv_path, args.rows)
        print(f"generated {args.rows:,} rows, {cases:,} cases, "
              f"{csv_path.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - t0:.0f} s")
        targets = [("SQLite", f"sqlite:///{Path(tmp) / 'import.sqlite'}")]
        if args.postgres:
            fresh_postgres(args.postgres)
            targets.append(("PostgreSQL", args.postgres))
        for name, url in targets:
            for label in ("import", "re-import"):
                print(f"{name} {label} (load average {load()}) ...", flush=True)
                seconds, peak, summary = run_import(csv_path, url, Path(tmp))
                print(f"  {seconds:.0f} s = {args.rows / seconds:,.0f} rows/s, "
                      f"{cases / seconds:,.0f} cases/s; peak RSS {peak:,.0f} MiB; "
                      f"load average after {load()}\n  {summary}", flush=True)


if __name__ == "__main__":
    main()
