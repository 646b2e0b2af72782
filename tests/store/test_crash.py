"""kill -9 in the middle of concurrent writes loses no acknowledged write.

A child process (crash_writer.py) runs several writer threads against the store and prints
a line after each commit. After a few hundred acknowledgements the child gets SIGKILL; then
every acknowledged case must be there at (at least) its acknowledged version, SQLite must
pass `PRAGMA integrity_check`, and the audit chain must verify. Bounded: the child is killed
after at most 15 seconds whatever happens. No network: SQLite file or loopback PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from divert.store import audit, db
from divert.store.tables import CaseRow

TESTS = Path(__file__).resolve().parents[1]
ACKS_BEFORE_KILL = 200
DEADLINE_S = 15.0


def run_and_kill(url: str) -> list[tuple[str, int]]:
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    child = subprocess.Popen(
        [sys.executable, "-m", "store.crash_writer", url, "4"],
        stdout=subprocess.PIPE, text=True, env=env, cwd=TESTS)
    assert child.stdout is not None
    acked: list[tuple[str, int]] = []
    started = time.monotonic()
    try:
        for line in child.stdout:
            if line.startswith("ACK "):
                parts = line.split()
                acked.append((parts[1], int(parts[2])))
            if len(acked) >= ACKS_BEFORE_KILL or time.monotonic() - started > DEADLINE_S:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return acked


@pytest.mark.slow
def test_no_acknowledged_write_is_lost_after_kill_9(db_url: str, factory: object) -> None:
    acked = run_and_kill(db_url)
    assert len(acked) >= 50, "the writer acknowledged too little to make the test meaningful"
    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            stored = dict(conn.execute(select(CaseRow.id, CaseRow.version)).all())
        lost = [(case_id, v) for case_id, v in acked if stored.get(case_id, 0) < v]
        assert lost == []
        with db.make_sessionmaker(engine)() as session:
            result = audit.verify(session)
        assert result.ok, result.problems
    finally:
        engine.dispose()
