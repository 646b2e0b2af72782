"""Simultaneous writes of the same thing (red-team finding 4): requests with one
Idempotency-Key, one case id or one PAD incident, fired at the same moment, get the first
answer, a replay, a 409 or a 422 — never a 500 — and exactly one row is written.

Each test fires its requests from threads released by one barrier, on SQLite and on
PostgreSQL (where they really run at once; SQLite queues them behind its write lock).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from divert.store.db import make_engine, make_sessionmaker
from divert.store.tables import CaseRow, IdempotencyKeyRow

from .conftest import Env
from .test_pad_referrals import pad_body

THREADS = int(os.environ.get("DIVERT_RACE_THREADS", "8"))  # the longer run: 40 (docs)
POSSESSION = "Int Poss Contr Subst By Per Not Reg"


def case_body(case_id: str) -> dict[str, Any]:
    return {"case_id": case_id, "person_id": "p-race", "filing_date": "2026-07-02", "age": 30,
            "charges": [{"as_written": POSSESSION, "citation": "35 § 780-113 §§ A16",
                         "drug": "heroin", "grade": "M"}]}


def fire(env: Env, path: str, bodies: list[dict[str, Any]], headers: list[dict[str, str]]
         ) -> list[Any]:
    """POST each body at once (one thread each, released together); the responses."""
    barrier = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def one(i: int) -> None:
        barrier.wait()
        answers[i] = env.client.post(path, json=bodies[i], headers=headers[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def count(db_url: str, statement: Any) -> int:
    engine = make_engine(db_url)
    try:
        with make_sessionmaker(engine)() as s:
            return int(s.scalar(statement) or 0)
    finally:
        engine.dispose()


def statuses(answers: list[Any]) -> Counter[int]:
    return Counter(a.status_code for a in answers)


def test_one_idempotency_key_sent_at_once_writes_once_and_replays(env: Env, db_url: str
                                                                   ) -> None:
    headers = env.headers("charging_ada", **{"Idempotency-Key": "same-key"})
    answers = fire(env, "/api/cases", [case_body("T-RACE")] * THREADS, [headers] * THREADS)
    assert statuses(answers) == {201: THREADS}, [a.text for a in answers]
    replayed = [a for a in answers if a.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == THREADS - 1
    assert all(a.json() == answers[0].json() for a in answers)
    assert count(db_url, select(func.count()).select_from(CaseRow)
                 .where(CaseRow.id == "T-RACE")) == 1
    assert count(db_url, select(func.count()).select_from(IdempotencyKeyRow)
                 .where(IdempotencyKeyRow.key == "same-key")) == 1


def test_one_case_id_filed_at_once_is_filed_once_and_the_rest_told_409(env: Env,
                                                                       db_url: str) -> None:
    headers = [env.headers("charging_ada", **{"Idempotency-Key": f"k-{i}"})
               for i in range(THREADS)]
    answers = fire(env, "/api/cases", [case_body("T-SAME")] * THREADS, headers)
    assert statuses(answers) == {201: 1, 409: THREADS - 1}, [a.text for a in answers]
    assert all("T-SAME" in a.json()["error"] for a in answers if a.status_code == 409)
    assert count(db_url, select(func.count()).select_from(CaseRow)
                 .where(CaseRow.id == "T-SAME")) == 1


def test_one_pad_incident_referred_at_once_is_referred_once(env: Env, db_url: str) -> None:
    headers = [env.headers("police")] * THREADS  # no key: each is a new referral
    answers = fire(env, "/api/pad-referrals", [pad_body("INC-RACE")] * THREADS, headers)
    got = statuses(answers)
    print(f"same PAD incident x{THREADS}: {dict(got)}")  # pytest -s shows the split
    assert got[201] == 1 and got[201] + got[409] + got[422] == THREADS, [
        a.text for a in answers]
    assert count(db_url, select(func.count()).select_from(CaseRow)
                 .where(CaseRow.incident_id == "INC-RACE")) == 1
