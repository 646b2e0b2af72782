"""Requests per second of the service on loopback: POST /api/screen and GET /api/cases/{id}.

Bounded: builds a fresh SQLite store in a temporary folder, starts uvicorn in a subprocess on
a free loopback port, logs in once, then for each endpoint runs `--clients` threads with
keep-alive connections for `--seconds` seconds. Every read of a case is audited and touches
the session, so GET /api/cases/{id} includes two durable commits (SQLite, synchronous=FULL).

    .venv/bin/python benchmarks/service_rps.py --seconds 5 --clients 4
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from divert.cases.access import Actor
from divert.model.case import Charge
from divert.policy.load import load_policies
from divert.service.accounts import add_account
from divert.service.screening import screen_and_store
from divert.service.security import totp_code
from divert.store import repo
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

sys.path.insert(0, str(Path(__file__).parent))
from serving import free_port, start_service

SETUP = Actor("bench", "administrator", "bench")
PASSWORD = "benchmark password"
SCREEN_BODY = {"case": {"filing_date": "2026-07-02", "charges": [
    {"as_written": "Int Poss Contr Subst By Per Not Reg"},
    {"as_written": "Use/Poss Of Drug Paraph"}]}}


def prepare(url: str, cases: int) -> str:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    with factory() as db, atomic(db):
        secret = add_account(db, SETUP, "bench.ada", PASSWORD, "charging_ada", None,
                             now).totp_secret
    policy = load_policies()["phl-dao-simple-possession"]
    for i in range(cases):
        with factory() as db:
            repo.create_case(db, SETUP, case_id=f"BENCH-{i:04d}", person_id=f"bp-{i}",
                             filing_date=date(2026, 7, 6), at=now,
                             charges=[Charge("Int Poss Contr Subst By Per Not Reg")])
            screen_and_store(db, SETUP, f"BENCH-{i:04d}", policy, now)
    engine.dispose()
    return secret


def run(base: str, token: str, method: str, paths: list[str], seconds: float,
        clients: int) -> tuple[float, list[float]]:
    counts = [0] * clients
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(n: int) -> None:
        local: list[float] = []
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
            i = 0
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                path = paths[(n + i * clients) % len(paths)]
                r = c.post(path, json=SCREEN_BODY) if method == "POST" else c.get(path)
                if r.status_code != 200:
                    raise SystemExit(f"{method} {path}: {r.status_code} {r.text[:200]}")
                local.append(time.perf_counter() - t0)
                i += 1
        with lock:
            counts[n] = len(local)
            latencies.extend(local)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--cases", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        secret = prepare(url, args.cases)
        port = free_port()
        server = start_service({**os.environ, "DIVERT_DATABASE_URL": url}, port,
                               wait_seconds=30)
        base = f"http://127.0.0.1:{port}"
        try:
            token = httpx.post(f"{base}/api/auth/login", json={
                "username": "bench.ada", "password": PASSWORD,
                "totp": totp_code(secret, datetime.now(UTC))}).json()["token"]
            cases = [f"/api/cases/BENCH-{i:04d}" for i in range(args.cases)]
            warm = {"Authorization": f"Bearer {token}"}  # first screen loads the policies
            httpx.post(f"{base}/api/screen", json=SCREEN_BODY, headers=warm, timeout=60)
            print(f"{args.clients} clients, {args.seconds:.0f} s each, uvicorn 1 worker, SQLite")
            for label, method, paths in (("POST /api/screen", "POST", ["/api/screen"]),
                                         ("GET /api/cases/{id}", "GET", cases)):
                rps, lat = run(base, token, method, paths, args.seconds, args.clients)
                lat.sort()
                print(f"{label:<22} {rps:8.1f} req/s   median {statistics.median(lat) * 1000:6.1f}"
                      f" ms   p95 {lat[int(len(lat) * 0.95)] * 1000:6.1f} ms   n={len(lat)}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
