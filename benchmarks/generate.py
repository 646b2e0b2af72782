"""Synthetic cases for the benchmarks, with a charge mix that follows the real Philadelphia filings.

Writes benchmarks/data/<size>/{cases,charges,persons}.parquet in the batch layout
(engines/columns.py). What is real and what is invented:

* Charge wording: drawn from the 162 top-charge wordings of data/phl_filings_…csv with their
  real frequencies (one draw per case), each read once by the catalog normalizer, so the
  category mix (violence, other, property, PWID, firearm, DUI, possession…) is Philadelphia's.
* Charges per case: the feed publishes only the top charge, so the count is invented:
  1-4 charges with probabilities 0.50/0.30/0.12/0.08; extra charges come from the same mix.
  One case in five is marked `top_charge_only` (charge_count unknown), like the real feed.
* Prior records: invented (the filings have none): Poisson counts, 10% of each fact unknown,
  about 1.21 cases per person as in the real file (9,288 cases, 7,664 people).
* Filing dates: uniform over 2026-01-01..2027-06-30 (both benchmark versions); 1% missing.

    .venv/bin/python benchmarks/generate.py 100k 1m 10m
    .venv/bin/python benchmarks/generate.py 50m   # ~5 GB on disk, in 10M-charge parts
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from divert.catalog.model import Match  # noqa: E402
from divert.catalog.normalize import normalize_charge  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
PART = 10_000_000  # charges generated at once; larger sizes are written part by part
CHARGES_PER_CASE = np.array([0.50, 0.30, 0.12, 0.08])
CASES_PER_PERSON = 9_288 / 7_664
FIRST_DAY, DAYS = date(2026, 1, 1), 546


def wording_mix() -> tuple[list[dict[str, object]], np.ndarray]:
    """Real top-charge wordings, their share of cases, and how the catalog reads each."""
    with (ROOT / "data" / "phl_filings_2021-08_2022-01.csv").open(newline="") as f:
        top = {row["case_id"]: row["top_charge"] for row in csv.DictReader(f)}
    counts = Counter(top.values())
    readings = []
    for wording in counts:
        m = normalize_charge(wording, None)
        matched = m if isinstance(m, Match) else None
        readings.append({
            "as_written": wording,
            "category": matched.category.value if matched else None,
            "drug": matched.offense.drug if matched else None,
            "inchoate": (matched.inchoate.value if matched.inchoate else "none")
            if matched else None,
            "grade": matched.offense.grade if matched else None,
        })  # fmt: skip
    weights = np.array([counts[r["as_written"]] for r in readings], dtype=float)
    return readings, weights / weights.sum()


def _maybe_null(values: np.ndarray, rng: np.random.Generator, share: float) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share, type=pa.int32())


def _part(n_charges: int, first_case: int, n_persons: int | None, rng: np.random.Generator,
          readings: list[dict[str, object]], weights: np.ndarray
          ) -> tuple[pa.Table, pa.Table, int]:
    """Cases and charges for `n_charges` charges, case ids from `first_case` on.

    `n_persons` None: one person per 1.21 of these cases (a single-part size).
    """
    n_cases = int(1.05 * n_charges / float(np.dot(CHARGES_PER_CASE, [1, 2, 3, 4]))) + 10
    per_case = rng.choice([1, 2, 3, 4], size=n_cases, p=CHARGES_PER_CASE)
    ends = np.cumsum(per_case)
    n_cases = int(np.searchsorted(ends, n_charges)) + 1
    per_case = per_case[:n_cases]
    per_case[-1] -= int(per_case.sum()) - n_charges  # exactly n_charges charges
    case_ids = np.char.add("C", np.arange(first_case, first_case + n_cases).astype("U9"))
    n_persons = n_persons or int(n_cases / CASES_PER_PERSON) + 1
    complete = rng.random(n_cases) >= 0.2
    days = rng.integers(0, DAYS, n_cases).astype("timedelta64[D]") + np.datetime64(FIRST_DAY)
    pad = rng.random(n_cases)
    person = rng.integers(0, n_persons, n_cases)
    cases = pa.table({
        "case_id": case_ids,
        "filing_date": pa.array(days, mask=rng.random(n_cases) < 0.01).cast(pa.date32()),
        "contact_date": pa.nulls(n_cases, pa.date32()),
        "charge_scope": np.where(complete, "complete", "top_charge_only"),
        "stage": np.full(n_cases, "charged"),
        "charge_count": pa.array(per_case, mask=~complete, type=pa.int32()),
        "pad_referred": pa.array(pad < 0.1, mask=pad > 0.7),
        "person_id": pa.array(np.char.add("P", person.astype("U9")),
                              mask=rng.random(n_cases) < 0.05),
    })  # fmt: skip
    pick = rng.choice(len(readings), size=n_charges, p=weights)
    column = {k: pa.array([r[k] for r in readings], type=pa.string()) for k in readings[0]}
    charges = pa.table({
        "case_id": np.repeat(case_ids, per_case),
        "idx": pa.array(np.arange(n_charges) - np.repeat(ends[:n_cases] - per_case, per_case),
                        type=pa.int32()),
        **{k: column[k].take(pa.array(pick)) for k in ("as_written", "category", "drug",
                                                        "inchoate", "grade")},
    })  # fmt: skip
    return cases, charges, n_persons


def _persons(n_persons: int, rng: np.random.Generator) -> pa.Table:
    return pa.table({
        "person_id": np.char.add("P", np.arange(n_persons).astype("U9")),
        "pad_contacts": _maybe_null(rng.poisson(0.3, n_persons), rng, 0.1),
        "open_diversions": _maybe_null(rng.binomial(1, 0.05, n_persons), rng, 0.1),
        "prior_drug_convictions": _maybe_null(rng.poisson(0.5, n_persons), rng, 0.1),
        "bench_warrants_5y": _maybe_null(rng.poisson(0.4, n_persons), rng, 0.1),
    })  # fmt: skip


def generate(n_charges: int, out: Path, seed: int = 2026) -> dict[str, int]:
    """One size's three files. Past PART charges, written part by part (memory stays at
    about one 10M part, ~2.5 GB), each part with its own seed and case ids, persons shared."""
    readings, weights = wording_mix()
    out.mkdir(parents=True, exist_ok=True)
    if n_charges <= PART:
        rng = np.random.default_rng(seed)
        cases, charges, n_persons = _part(n_charges, 0, None, rng, readings, weights)
        for name, table in (("cases", cases), ("charges", charges),
                            ("persons", _persons(n_persons, rng))):
            pq.write_table(table, out / f"{name}.parquet", row_group_size=1 << 20)
        return {"cases": cases.num_rows, "charges": n_charges, "persons": n_persons}
    mean = float(np.dot(CHARGES_PER_CASE, [1, 2, 3, 4]))
    n_persons = int(n_charges / mean / CASES_PER_PERSON) + 1
    writers: dict[str, pq.ParquetWriter] = {}
    n_cases = 0
    for i, start in enumerate(range(0, n_charges, PART)):
        rng = np.random.default_rng([seed, i])
        cases, charges, _ = _part(min(PART, n_charges - start), n_cases, n_persons, rng,
                                  readings, weights)
        n_cases += cases.num_rows
        for name, table in (("cases", cases), ("charges", charges)):
            if name not in writers:
                writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
            writers[name].write_table(table, row_group_size=1 << 20)
    for writer in writers.values():
        writer.close()
    pq.write_table(_persons(n_persons, np.random.default_rng([seed, 1_000_000])),
                   out / "persons.parquet", row_group_size=1 << 20)
    return {"cases": n_cases, "charges": n_charges, "persons": n_persons}


def main(argv: list[str]) -> None:
    for size in argv or list(SIZES):
        started = time.perf_counter()
        counts = generate(SIZES[size], DATA / size)
        print(f"{size}: {counts} in {time.perf_counter() - started:.1f} s -> {DATA / size}")


if __name__ == "__main__":
    main(sys.argv[1:])
