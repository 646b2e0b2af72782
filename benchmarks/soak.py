"""Soak: the service under steady load for a long run, the database restarted midway.

Starts uvicorn (one worker) on a free loopback port against `--url` (default: a fresh SQLite
file), seeds an account and cases, then `--clients` threads each send a mix at `--rate`
requests/s: POST /api/screen, GET /api/cases/{id} (an audited read: two commits) and
POST /api/cases with an Idempotency-Key (a write that must not be lost: on a 503 the client
waits and retries the same key). At `--restart-after` minutes `--restart-cmd` is run (e.g.
`pg_ctl -D DIR restart -m fast`). Every minute it prints requests, statuses, p99 latency and
the server's resident memory; at the end it checks that every acknowledged case is stored
and that the audit chain verifies. Answers other than 2xx/404/409, or a 503 outside the
restart window, count as errors.

    .venv/bin/python benchmarks/soak.py --minutes 30 --clients 4 --rate 10 \\
        --url postgresql+psycopg://postgres@127.0.0.1:5439/soak \\
        --restart-after 15 --restart-cmd "pg_ctl -D /path/to/cluster restart -m fast"
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from divert.service.security import totp_code
from divert.store import audit
from divert.store.db import make_engine, make_sessionmaker

sys.path.insert(0, str(Path(__file__).parent))
from service_rps import PASSWORD, SCREEN_BODY, prepare
from serving import free_port, start_service

OK = {200, 201, 404, 409}


def case_body(case_id: str) -> dict[str, object]:
    return {"case_id": case_id, "person_id": f"soak-{case_id[-3:]}", "filing_date": "2026-07-02",
            "charges": [{"as_written": "Int Poss Contr Subst By Per Not Reg"}], "screen": True}


@dataclass
class Minute:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    transport_errors: int = 0


@dataclass
class Soak:
    started: float
    restart_at: float | None
    restart_window: tuple[float, float] | None = None
    minutes: dict[int, Minute] = field(default_factory=dict)
    acked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, status: int | None, seconds: float, what: str) -> None:
        now = time.monotonic()
        with self.lock:
            m = self.minutes.setdefault(int((now - self.started) // 60), Minute())
            if status is None:
                m.transport_errors += 1
                self.errors.append(f"{what}: no answer")
                return
            m.statuses[status] += 1
            m.latencies.append(seconds)
            in_window = self.restart_window is not None and (
                self.restart_window[0] - 1 <= now <= self.restart_window[1] + 30)
            if status not in OK and not (status == 503 and in_window):
                self.errors.append(f"{what}: {status}")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def client(base: str, token: str, n: int, rate: float, stop: float, soak: Soak,
           cases: int) -> None:
    gap = 1.0 / rate if rate > 0 else 0.0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as c:
        i = 0
        while time.monotonic() < stop:
            begun = time.monotonic()
            kind = i % 3
            try:
                if kind == 0:
                    t0 = time.perf_counter()
                    r = c.post("/api/screen", json=SCREEN_BODY)
                    soak.note(r.status_code, time.perf_counter() - t0, "screen")
                elif kind == 1:
                    t0 = time.perf_counter()
                    r = c.get(f"/api/cases/BENCH-{(n * 7919 + i) % cases:04d}")
                    soak.note(r.status_code, time.perf_counter() - t0, "read")
                else:
                    case_id = f"SOAK-{n}-{i}-{uuid.uuid4().hex[:6]}"
                    key = {"Idempotency-Key": case_id}
                    while time.monotonic() < stop + 120:  # retry the same key through a 503
                        t0 = time.perf_counter()
                        r = c.post("/api/cases", json=case_body(case_id), headers=key)
                        soak.note(r.status_code, time.perf_counter() - t0, "write")
                        if r.status_code != 503:
                            break
                        time.sleep(float(r.headers.get("Retry-After", "1")))
                    if r.status_code == 201:
                        with soak.lock:
                            soak.acked.append(case_id)
            except httpx.TransportError as exc:
                soak.note(None, 0.0, f"{type(exc).__name__}")
            i += 1
            pause = gap - (time.monotonic() - begun)
            if pause > 0:
                time.sleep(pause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=float, default=10.0, help="requests/s per client")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--url", help="database (default: a fresh SQLite file)")
    parser.add_argument("--restart-after", type=float, help="minutes before the restart")
    parser.add_argument("--restart-cmd", help="shell command that restarts the database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'soak.sqlite'}"
        secret = prepare(url, args.cases)
        port = free_port()
        server = start_service({**os.environ, "DIVERT_DATABASE_URL": url,
                                "DIVERT_AUDIT_HEADS_FILE": str(Path(tmp) / "heads.jsonl")},
                               port)
        base = f"http://127.0.0.1:{port}"
        try:
            token = httpx.post(f"{base}/api/auth/login", json={
                "username": "bench.ada", "password": PASSWORD,
                "totp": totp_code(secret, datetime.now(UTC))}).json()["token"]
            httpx.post(f"{base}/api/screen", json=SCREEN_BODY, timeout=60,
                       headers={"Authorization": f"Bearer {token}"})
            started = time.monotonic()
            stop = started + args.minutes * 60
            restart_at = (started + args.restart_after * 60
                          if args.restart_after is not None and args.restart_cmd else None)
            soak = Soak(started, restart_at)
            threads = [threading.Thread(target=client, args=(
                base, token, n, args.rate, stop, soak, args.cases), daemon=True)
                for n in range(args.clients)]
            for t in threads:
                t.start()
            memory: dict[int, int] = {}
            restarted = False
            print(f"soak: {args.clients} clients x {args.rate}/s for {args.minutes} min on "
                  f"{url.split('@')[-1]}", flush=True)
            print("| minute | requests | 2xx | 503 | other | p99 ms | server RSS MB |")
            print("| --- | --- | --- | --- | --- | --- | --- |", flush=True)
            shown = 0
            while True:
                time.sleep(1)
                now = time.monotonic()
                if restart_at is not None and not restarted and now >= restart_at:
                    restarted = True
                    began = time.monotonic()
                    soak.restart_window = (began, float("inf"))
                    # no pipes: a restarted server inherits them and never closes them
                    done = subprocess.run(shlex.split(args.restart_cmd),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          check=False, timeout=120)
                    soak.restart_window = (began, time.monotonic())
                    print(f"restart: {args.restart_cmd!r} exit {done.returncode} in "
                          f"{time.monotonic() - began:.1f} s", flush=True)
                minute = int((now - started) // 60)
                memory.setdefault(minute, rss_kb(server.pid))
                finished = now >= stop and not any(t.is_alive() for t in threads)
                while shown < minute or (finished and shown <= minute):
                    m = soak.minutes.get(shown, Minute())
                    lat = sorted(m.latencies)
                    p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0.0
                    ok = sum(v for k, v in m.statuses.items() if 200 <= k < 300)
                    other = sum(m.statuses.values()) - ok - m.statuses[503] + m.transport_errors
                    print(f"| {shown + 1} | {sum(m.statuses.values())} | {ok} | "
                          f"{m.statuses[503]} | {other} | {p99:.0f} | "
                          f"{memory.get(shown, 0) / 1024:.0f} |", flush=True)
                    shown += 1
                if finished or now > stop + 180:
                    break
            engine = make_engine(url)
            with make_sessionmaker(engine)() as session:
                from sqlalchemy import select

                from divert.store.tables import CaseRow

                stored = set(session.scalars(select(CaseRow.id).where(
                    CaseRow.id.like("SOAK-%"))))
                verified = audit.verify(session)
            engine.dispose()
            lost = [c for c in soak.acked if c not in stored]
            total = sum(sum(m.statuses.values()) + m.transport_errors
                        for m in soak.minutes.values())
            five03 = sum(m.statuses[503] for m in soak.minutes.values())
            print(f"total {total} requests; {len(soak.errors)} errors "
                  f"({Counter(soak.errors).most_common(5)}); 503 during the restart: {five03}; "
                  f"acknowledged writes {len(soak.acked)}, lost {len(lost)}; audit chain "
                  f"{'ok' if verified.ok else 'BROKEN'} ({verified.entries} entries); "
                  f"server RSS first/last minute "
                  f"{memory.get(0, 0) / 1024:.0f}/{memory.get(max(memory), 0) / 1024:.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
