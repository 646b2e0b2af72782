"""A writer process for test_crash.py: several threads file cases and print each commit.

A line `ACK <case id> <version>` is printed (and flushed) only after the repository call
returned, i.e. after the commit; the test kills this process with SIGKILL at a random
moment and then checks that every acknowledged write is in the database.
"""

from __future__ import annotations

import sys
import threading
from datetime import date

from divert.cases.access import Actor
from divert.model.case import Charge
from divert.store import db, repo

from .kit import decision

ACTOR = Actor("crash.writer", "charging_ada", "127.0.0.1")
CHARGE = (Charge("Int Poss Contr Subst By Per Not Reg"),)
lock = threading.Lock()


def writer(factory: object, thread: int) -> None:
    for i in range(100_000):
        case_id = f"T{thread}-{i}"
        with factory() as session:  # type: ignore[operator]
            view = repo.create_case(session, ACTOR, case_id=case_id, person_id=f"P{i % 50}",
                                    charges=CHARGE, filing_date=date(2026, 7, 1))
            with lock:
                print(f"ACK {case_id} {view.version}", flush=True)
            screened = repo.record_screening(session, ACTOR, case_id, decision(case_id))
            with lock:
                print(f"ACK {case_id} {view.version + 1} {screened.id}", flush=True)


def main() -> None:
    url, threads = sys.argv[1], int(sys.argv[2])
    factory = db.make_sessionmaker(db.make_engine(url))
    workers = [threading.Thread(target=writer, args=(factory, t), daemon=True)
               for t in range(threads)]
    for w in workers:
        w.start()
    print("READY", flush=True)
    for w in workers:
        w.join()


if __name__ == "__main__":
    main()
