"""The case list at city scale: a filtered, sorted page out of 10,000 and 1,000,000 cases.

Fills a fresh store (SQLite in a temporary folder, and PostgreSQL when a URL is given) with
invented cases in bulk — one charge each, filing dates over three years, the decision in
effect spread like the real filings' (mostly prosecute, some divert, review and decline),
one case in thirteen reviewed and one offered — then times `repo.list_cases` (the very call behind
`GET /api/cases` and the page, audit entry included) for the queries an office runs every
day. Each figure is the median of `--repeat` calls after one warm-up; the query plan's use of
an index is printed beside it (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN).

    .venv/bin/python benchmarks/list_cases.py --sizes 10000 1000000 \
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from divert.cases.access import Actor
from divert.store import repo
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.tables import Base, CaseRow, ChargeRow, Person
from divert.store.views import CaseFilters

ADA = Actor("bench.ada", "charging_ada", "bench")
OUTCOMES = ["prosecute"] * 80 + ["needs_review"] * 10 + ["divert"] * 6 + ["decline"] * 4
STATES = ["screened"] * 11 + ["reviewed", "offered"]
WORDINGS = ["Int Poss Contr Subst By Per Not Reg", "Manufacture, Delivery, or Possession "
            "With Intent to Manufacture or Deliver", "Retail Theft-Take Mdse",
            "Firearms Not To Be Carried W/O License", "Simple Assault"]
QUERIES: dict[str, CaseFilters] = {
    "newest first, no filter": CaseFilters(),
    "decision in effect = prosecute": CaseFilters(outcome="prosecute"),
    "decision in effect = divert, oldest first": CaseFilters(outcome="divert", sort="filed_asc"),
    "state = reviewed": CaseFilters(state="reviewed"),
    "filed in one month": CaseFilters(filed_from=date(2025, 3, 1), filed_to=date(2025, 3, 31)),
    "one case id": CaseFilters(search="BC-0000777"),
    "charge words (reads charges)": CaseFilters(search="retail theft"),
    "queue: offers expiring (state, due date)": CaseFilters(
        state="offered", due_by=date(2025, 6, 1), sort="due_asc"),
    "queue: unreviewed, oldest first": CaseFilters(state="screened", sort="filed_asc"),
    "vehicle = section-18": CaseFilters(vehicle="section-18"),
}


VEHICLES = ("section-18", "amp-1", "ard")


def cases_due(n: int) -> bool:
    """About one case in ten is waiting on a date (an open offer, an unreported referral)."""
    return n % 10 == 0


def fill(url: str, size: int, seed: int = 7) -> None:
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = date(2023, 1, 1)
    batch = 50_000
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in ("cases", "charges", "people", "audit_log"):
                conn.execute(table.delete())
    for first in range(0, size, batch):
        ids = range(first, min(size, first + batch))
        people, cases, charges = [], [], []
        for n in ids:
            person = f"BP-{n // 2:07d}"
            if n % 2 == 0:
                people.append({"id": person, "person_link": None, "created_at": now,
                               "version": 1})
            outcome = rng.choice(OUTCOMES)
            cases.append({
                "id": f"BC-{n:07d}", "person_id": person, "incident_id": None,
                "docket_id": None, "stage": "charged", "state": rng.choice(STATES),
                "filing_date": start + timedelta(days=rng.randrange(3 * 365)),
                "contact_date": None, "charge_scope": "complete", "pad_referred": False,
                "age": rng.randrange(18, 70), "zip": None, "source": "bench", "last_seq": 2,
                "created_at": now, "updated_at": now, "version": 3,
                "effective_outcome": outcome, "machine_outcome": outcome,
                "decided_by": None, "decision_reason": None, "pending_approval": None,
                "due_on": start + timedelta(days=rng.randrange(3 * 365))
                if cases_due(n) else None,
                "vehicle": rng.choice(VEHICLES) if outcome == "divert" else None})
            charges.append({"case_id": f"BC-{n:07d}", "position": 0,
                            "as_written": rng.choice(WORDINGS), "citation": None,
                            "grade": None, "drug": None})
        with engine.begin() as conn:
            conn.execute(sa.insert(Person), people)
            conn.execute(sa.insert(CaseRow), cases)
            conn.execute(sa.insert(ChargeRow), charges)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def timed(call: Callable[[], object], repeat: int) -> float:
    call()  # warm-up: caches, statistics
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def measure(label: str, url: str, sizes: list[int], repeat: int) -> None:
    for size in sizes:
        started = time.perf_counter()
        fill(url, size)
        print(f"\n{label}, {size:,} cases (filled in {time.perf_counter() - started:.0f} s)")
        print("| query | page 1 | page 100 |\n| --- | ---: | ---: |")
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        for name, filters in QUERIES.items():
            first = timed(lambda f=filters, m=factory: _listed(m, 1, f), repeat)
            later = timed(lambda f=filters, m=factory: _listed(m, 100, f), repeat)
            print(f"| {name} | {first:.1f} ms | {later:.1f} ms |")
        engine.dispose()


def _listed(factory: sessionmaker[Session], number: int, filters: CaseFilters) -> object:
    with factory() as db:
        return repo.list_cases(db, ADA, number, 50, filters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure too (its tables are "
                                           "emptied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.sizes, args.repeat)
    if args.postgres:
        measure("PostgreSQL", args.postgres, args.sizes, args.repeat)


if __name__ == "__main__":
    main()
