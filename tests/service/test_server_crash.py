"""kill -9 of the HTTP server in the middle of concurrent writes loses no acknowledged write.

The real server (`divert serve`) runs in a child process on a free loopback port over a
fresh, migrated database. Several client threads file cases over HTTP (each screened at
once, each with its own Idempotency-Key) and record every 2xx answer. After enough
acknowledgements, or a time limit, the server gets SIGKILL. Then: every acknowledged case is
stored at (at least) its acknowledged version, SQLite passes `PRAGMA integrity_check`, the
audit chain verifies, and a restarted server serves the cases and replays an acknowledged
request's answer for its key instead of writing it twice. Bounded: each phase has a deadline.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy import select, text

from divert.cases.access import Actor
from divert.service.accounts import add_account
from divert.service.security import new_totp_secret, totp_code
from divert.store import audit
from divert.store.db import _normalize, make_engine, make_sessionmaker, upgrade
from divert.store.tables import CaseRow
from store.kit import pg_schema_url

WRITERS = 4
ACKS_BEFORE_KILL = 150
WRITE_DEADLINE_S = 10.0
START_DEADLINE_S = 30.0
USER, PASSWORD = "crash-ada", "correct horse battery staple"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # still Argon2id
CHARGE = {"as_written": "Int Poss Contr Subst By Per Not Reg",
          "citation": "35 § 780-113 §§ A16"}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(url: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`divert serve` on a free loopback port; yields once it answers, killed at the end."""
    port = free_port()
    script = Path(sys.executable).with_name("divert")
    command = ([str(script)] if script.exists()
               else [sys.executable, "-c", "from divert.cli import main; main()"])
    with log.open("ab") as out:
        child = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--database-url", url],
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            assert child.poll() is None, f"the server exited: {log.read_text()[-2000:]}"
            assert time.monotonic() - started < START_DEADLINE_S, "the server did not start"
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield child, base
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)


_LAST_STEP: dict[str, int] = {}


def fresh_code(secret: str) -> str:
    """A code the account has not used: a code works once, so a second login in the same
    30-second step uses the next step's code (accepted for clock drift), or waits for it."""
    now = datetime.now(UTC)
    step = max(int(now.timestamp()) // 30, _LAST_STEP.get(secret, -1) + 1)
    while step > int(datetime.now(UTC).timestamp()) // 30 + 1:
        time.sleep(1)
    _LAST_STEP[secret] = step
    return totp_code(secret, datetime.fromtimestamp(step * 30 + 1, UTC))


def login(base: str, secret: str) -> dict[str, str]:
    got = httpx.post(f"{base}/api/auth/login", timeout=10, json={
        "username": USER, "password": PASSWORD, "totp": fresh_code(secret)})
    assert got.status_code == 200, got.text
    return {"Authorization": f"Bearer {got.json()['token']}"}


def body_of(case_id: str, n: int) -> dict[str, Any]:
    return {"case_id": case_id, "person_id": f"crash-p{n % 40}", "charges": [CHARGE],
            "filing_date": "2026-07-01", "screen": True}


def write_until_stopped(base: str, auth: dict[str, str], thread: int, stop: threading.Event,
                        acked: list[tuple[str, int, str, dict[str, Any]]],
                        lock: threading.Lock) -> None:
    """File cases until told to stop or the server is gone; record each 2xx answer."""
    with httpx.Client(base_url=base, timeout=10) as client:
        for i in range(1_000_000):
            if stop.is_set():
                return
            case_id, key = f"K{thread}-{i}", f"crash-{thread}-{i}"
            try:
                got = client.post("/api/cases", json=body_of(case_id, i),
                                  headers={**auth, "Idempotency-Key": key})
            except httpx.TransportError:
                return  # the server was killed: this write was never acknowledged
            if 200 <= got.status_code < 300:
                with lock:
                    acked.append((case_id, got.json()["version"], key, got.json()))


def run_and_kill(base: str, child: subprocess.Popen[bytes], auth: dict[str, str]
                 ) -> list[tuple[str, int, str, dict[str, Any]]]:
    acked: list[tuple[str, int, str, dict[str, Any]]] = []
    lock, stop = threading.Lock(), threading.Event()
    threads = [threading.Thread(target=write_until_stopped,
                                args=(base, auth, t, stop, acked, lock), daemon=True)
               for t in range(WRITERS)]
    for t in threads:
        t.start()
    started = time.monotonic()
    while len(acked) < ACKS_BEFORE_KILL and time.monotonic() - started < WRITE_DEADLINE_S:
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)  # mid-stream: writers are still sending
    child.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert child.returncode == -signal.SIGKILL
    with lock:
        return list(acked)


def seed(url: str) -> str:
    """Migrate, then one charging ADA whose TOTP secret the test knows."""
    upgrade(url)
    engine = make_engine(url)
    secret = new_totp_secret()
    with make_sessionmaker(engine)() as db:
        add_account(db, Actor("test-setup", "administrator", "test"), USER, PASSWORD,
                    "charging_ada", None, datetime.now(UTC), secret=secret, hasher=CHEAP)
    engine.dispose()
    return secret


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file in tmp_path, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'divert.sqlite'}"
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    schema = f"divert_crash_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_normalize(postgres_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(postgres_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_kill_9_of_the_server_loses_no_acknowledged_write(fresh_url: str, tmp_path: Path
                                                          ) -> None:
    secret = seed(fresh_url)
    log = tmp_path / "server.log"
    with server(fresh_url, log) as (child, base):
        acked = run_and_kill(base, child, login(base, secret))
    assert len(acked) >= 30, f"too few writes acknowledged to mean anything: {len(acked)}"

    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            stored = dict(conn.execute(select(CaseRow.id, CaseRow.version)).all())
        lost = [(case_id, v) for case_id, v, _, _ in acked if stored.get(case_id, 0) < v]
        assert lost == [], f"acknowledged but not stored: {lost}"
        with make_sessionmaker(engine)() as db:
            verified = audit.verify(db)
        assert verified.ok, verified.problems
    finally:
        engine.dispose()

    # The database still serves, and an acknowledged request sent again (a client that
    # never saw the answer retries) gets the first answer back, not a second case.
    with server(fresh_url, log) as (_, base):
        auth = login(base, secret)
        case_id, _, key, first = acked[-1]
        again = httpx.post(f"{base}/api/cases", json=body_of(case_id, int(case_id.split("-")[1])),
                           headers={**auth, "Idempotency-Key": key}, timeout=10)
        assert (again.status_code, again.json()) == (201, first)
        for case_id, version, _, _ in acked[:3]:
            got = httpx.get(f"{base}/api/cases/{case_id}", headers=auth, timeout=10)
            assert got.status_code == 200 and got.json()["version"] >= version
