"""A bounded load run of the service with a realistic mix of roles (issue 11 item 4).

Builds a fresh store (SQLite in a temporary folder, or the PostgreSQL database given, whose
public schema is dropped first), with invented accounts — an ADA, a supervisor, a provider,
an analyst — and `--cases` invented screened cases; starts uvicorn with `--workers N` in a
subprocess on a free loopback port (audit key on, head recording off); then runs `--users`
virtual users for `--seconds` seconds, each in a closed loop (no think time) on keep-alive
connections, every one sending only to 127.0.0.1, and stops by itself.

The mix (per virtual user, chosen at random with a fixed seed):
  ADA         POST /api/screen (one case) 25%, POST /api/screen/batch (`--batch` cases) 10%,
              GET /api/cases/{id} 65%
  supervisor  GET /api/cases (first page of 50) 50%, GET /api/cases?queue=approvals 50%
  provider    GET /api/referrals
  analyst     GET /api/analytics/funnel
Screening throughput counts cases (a batch of N counts N). Per operation it prints
requests/s, cases/s, p50/p95/p99 and errors, with the load average before and after.

`--before-src DIR` runs the server from another checkout's src/ (e.g. `git archive main`),
for a before/after in one run; operations that checkout lacks are left out of its mix.

    .venv/bin/python benchmarks/service_load.py --workers 2 --users 10 --seconds 30
    .venv/bin/python benchmarks/service_load.py --workers 2 --users 10 --seconds 30 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/divert_bench
    .venv/bin/python benchmarks/service_load.py --workers 2 --rate 85 --seconds 30   # open loop
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from divert.cases.access import Actor
from divert.model.case import Charge
from divert.policy.load import load_policies
from divert.service.accounts import add_account
from divert.service.screening import screen_and_store
from divert.service.security import totp_code
from divert.store import anchor, repo, treatment
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.unit import atomic

sys.path.insert(0, str(Path(__file__).parent))
from serving import free_port, fresh_postgres, load, start_service

SETUP = Actor("bench", "administrator", "bench")
PASSWORD = "benchmark password"
ROLES = {"ada": "charging_ada", "supervisor": "supervisor", "provider": "provider",
         "analyst": "analyst"}
CHARGES = ["Int Poss Contr Subst By Per Not Reg", "Use/Poss Of Drug Paraph",
           "Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver"]


def screen_case(i: int) -> dict[str, object]:
    return {"case_id": f"Q-{i}", "filing_date": "2026-07-02", "charges": [
        {"as_written": CHARGES[i % 3]}, {"as_written": CHARGES[(i + 1) % 3]}]}


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    cases: int = 0
    first_error: str = ""


def prepare(url: str, cases: int) -> dict[str, str]:
    """Migrate, add the accounts and `cases` screened cases; each account's TOTP secret."""
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    with factory() as db:
        treatment.create_provider(db, SETUP, provider_id="prov-a", name="Provider A (invented)")
    secrets = {}
    with factory() as db, atomic(db):
        for user, role in ROLES.items():
            acct = add_account(db, SETUP, f"bench.{user}", PASSWORD, role,
                               "prov-a" if role == "provider" else None, now)
            secrets[user] = acct.totp_secret
    policy = load_policies()["phl-dao-simple-possession"]
    for i in range(cases):
        with factory() as db:
            repo.create_case(db, SETUP, case_id=f"BENCH-{i:05d}", person_id=f"bp-{i}",
                             filing_date=date(2026, 7, 6), at=now,
                             charges=[Charge(CHARGES[i % 2])])
            screen_and_store(db, SETUP, f"BENCH-{i:05d}", policy, now)
    engine.dispose()
    return secrets


async def send(c: httpx.AsyncClient, op: str, rng: random.Random, batch_body: Mapping[str, object],
               batch: int, cases: int) -> tuple[httpx.Response, int]:
    """One request of the mix; the number of cases it screens."""
    if op == "POST /api/screen":
        return await c.post("/api/screen", json={"case": screen_case(rng.randrange(99))}), 1
    if op == "POST /api/screen/batch":
        return await c.post("/api/screen/batch", json=batch_body), batch
    if op == "GET /api/cases/{id}":
        return await c.get(f"/api/cases/BENCH-{rng.randrange(cases):05d}"), 0
    if op == "GET /api/cases":
        return await c.get("/api/cases", params={"page_size": 50}), 0
    if op == "GET /api/cases?queue=approvals":
        return await c.get("/api/cases", params={"queue": "approvals", "page_size": 50}), 0
    if op == "GET /api/referrals":
        return await c.get("/api/referrals"), 0
    return await c.get("/api/analytics/funnel"), 0


def record(stats: dict[str, Stats], name: str, r: httpx.Response, n: int, took: float) -> None:
    s = stats[name]
    if r.status_code != 200:
        s.errors += 1
        s.first_error = s.first_error or f"{r.status_code} {r.text[:160]}"
    else:
        s.latencies.append(took)
        s.cases += n


async def user_loop(base: str, token: str, kind: str, ops: list[tuple[str, float]],
                    stop: float, batch: int, cases: int, seed: int,
                    stats: dict[str, Stats]) -> None:
    rng = random.Random(seed)
    names, weights = [o for o, _ in ops], [w for _, w in ops]
    batch_body = {"cases": [screen_case(i) for i in range(batch)]}
    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as c:
        while time.perf_counter() < stop:
            op = rng.choices(names, weights)[0]
            t0 = time.perf_counter()
            r, n = await send(c, op, rng, batch_body, batch, cases)
            record(stats, f"{kind:<10} {op}", r, n, time.perf_counter() - t0)


async def open_loop(base: str, tokens: dict[str, str], users: dict[str, int], rate: float,
                    seconds: float, batch: int, cases: int, batch_ok: bool
                    ) -> tuple[dict[str, Stats], float]:
    """Requests arriving at `rate` per second (Poisson), whatever the answers' speed, each
    role in proportion to its users; a latency counts from the moment the request was due
    (so a server falling behind shows in it, not in fewer requests)."""
    stats: dict[str, Stats] = defaultdict(Stats)
    ops = mix(batch_ok)
    rng = random.Random(7)
    kinds, shares = list(users), list(users.values())
    batch_body = {"cases": [screen_case(i) for i in range(batch)]}
    clients = {k: httpx.AsyncClient(base_url=base, timeout=60,
                                    limits=httpx.Limits(max_connections=256),
                                    headers={"Authorization": f"Bearer {tokens[k]}"})
               for k in kinds}

    async def one(kind: str, op: str, due: float, seed: int) -> None:
        try:
            r, n = await send(clients[kind], op, random.Random(seed), batch_body, batch, cases)
        except httpx.TransportError as exc:  # counted, named, and the run goes on
            s = stats[f"{kind:<10} {op}"]
            s.errors += 1
            s.first_error = s.first_error or f"{type(exc).__name__}: {exc}"
            return
        record(stats, f"{kind:<10} {op}", r, n, time.perf_counter() - due)

    started = due = time.perf_counter()
    tasks = []
    while due < started + seconds:
        due += rng.expovariate(rate)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        kind = rng.choices(kinds, shares)[0]
        op = rng.choices([o for o, _ in ops[kind]], [w for _, w in ops[kind]])[0]
        tasks.append(asyncio.create_task(one(kind, op, due, rng.randrange(1 << 30))))
    await asyncio.gather(*tasks)
    for c in clients.values():
        await c.aclose()
    return stats, time.perf_counter() - started


def mix(batch_ok: bool, screening_only: bool = False) -> dict[str, list[tuple[str, float]]]:
    if screening_only:
        return {"ada": [("POST /api/screen/batch", 1.0)]}
    ada = [("POST /api/screen", 25.0), ("GET /api/cases/{id}", 65.0)]
    if batch_ok:
        ada.append(("POST /api/screen/batch", 10.0))
    return {"ada": ada,
            "supervisor": [("GET /api/cases", 50.0), ("GET /api/cases?queue=approvals", 50.0)],
            "provider": [("GET /api/referrals", 1.0)],
            "analyst": [("GET /api/analytics/funnel", 1.0)]}


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))] * 1000


async def drive(base: str, tokens: dict[str, str], users: dict[str, int], seconds: float,
                batch: int, cases: int, batch_ok: bool, screening_only: bool = False
                ) -> tuple[dict[str, Stats], float]:
    stats: dict[str, Stats] = defaultdict(Stats)
    ops = mix(batch_ok, screening_only)
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*[
        user_loop(base, tokens[kind], kind, ops[kind], stop, batch, cases, 1000 * k + n, stats)
        for k, (kind, count) in enumerate(users.items()) for n in range(count)])
    return stats, time.perf_counter() - started


def report(stats: dict[str, Stats], elapsed: float) -> None:
    print("| role / operation | requests | req/s | cases/s | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    screened = 0
    for name in sorted(stats):
        s = stats[name]
        lat = sorted(s.latencies)
        screened += s.cases
        cases = f"{s.cases / elapsed:,.0f}" if s.cases else ""
        print(f"| {name} | {len(lat):,} | {len(lat) / elapsed:,.1f} | {cases} | "
              f"{pct(lat, 0.5):.1f} | {pct(lat, 0.95):.1f} | {pct(lat, 0.99):.1f} | "
              f"{s.errors} |")
    print(f"\nall screening: {screened / elapsed:,.0f} cases/s; "
          f"all requests: {sum(len(s.latencies) for s in stats.values()) / elapsed:,.1f}/s")
    for name, s in stats.items():
        if s.first_error:
            print(f"first error of {name.strip()}: {s.first_error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=10, help="virtual users: 60%% ADAs, 20%% "
                        "supervisors, 10%% providers, 10%% analysts (at least one each)")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--postgres", help="PostgreSQL URL (its public schema is dropped)")
    parser.add_argument("--before-src", type=Path, help="serve from this src/ folder instead")
    parser.add_argument("--no-batch", action="store_true",
                        help="leave POST /api/screen/batch out of the mix (to compare with a "
                        "checkout that lacks it)")
    parser.add_argument("--rate", type=float,
                        help="open loop: requests arrive at this rate per second (Poisson), "
                        "in the same mix, instead of --users closed loops; latencies count "
                        "from when each request was due")
    parser.add_argument("--screening-only", action="store_true",
                        help="every virtual user an ADA sending only batches (the screening "
                        "capacity)")
    args = parser.parse_args()
    if args.seconds > 600 or args.users > 200:
        raise SystemExit("bounded: at most 600 s and 200 virtual users")
    others = max(1, round(args.users * 0.1))
    users = {"ada": max(1, args.users - 2 * others - max(1, round(args.users * 0.2))),
             "supervisor": max(1, round(args.users * 0.2)), "provider": others,
             "analyst": others}
    if args.screening_only:
        users = {"ada": args.users}
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            fresh_postgres(args.postgres)
            url = args.postgres
        else:
            url = f"sqlite:///{Path(tmp) / 'load.sqlite'}"
        secrets = prepare(url, args.cases)
        port = free_port()
        key = anchor.generate_key(Path(tmp) / "audit.key")
        env = {**os.environ, "DIVERT_DATABASE_URL": url, "DIVERT_AUDIT_KEY_FILE": str(key),
               "DIVERT_AUDIT_HEADS_FILE": str(Path(tmp) / "heads.jsonl"),
               "DIVERT_AUDIT_HEAD_MINUTES": "0"}
        if args.before_src:
            env["PYTHONPATH"] = str(args.before_src.resolve())
        server = start_service(env, port, workers=args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            now = datetime.now(UTC)
            tokens = {}
            for user in ROLES:
                r = httpx.post(f"{base}/api/auth/login", json={
                    "username": f"bench.{user}", "password": PASSWORD,
                    "totp": totp_code(secrets[user], now)}, timeout=30)
                r.raise_for_status()
                tokens[user] = r.json()["token"]
            paths = httpx.get(f"{base}/openapi.json").json()["paths"]
            batch_ok = "/api/screen/batch" in paths and not args.no_batch
            # warm every worker (the first screen loads the policies), not measured
            asyncio.run(drive(base, tokens, users, 3.0, args.batch, args.cases, batch_ok,
                              args.screening_only))
            db = "PostgreSQL" if args.postgres else "SQLite"
            print(f"{db}, uvicorn --workers {args.workers}, {sum(users.values())} virtual users "
                  f"{users}, {args.seconds:.0f} s, batch {args.batch}, "
                  f"{'before: ' + str(args.before_src) if args.before_src else 'this tree'}; "
                  f"load average {load()}")
            if args.rate:
                print(f"open loop: {args.rate:g} requests/s offered")
                stats, elapsed = asyncio.run(open_loop(base, tokens, users, args.rate,
                                                       args.seconds, args.batch, args.cases,
                                                       batch_ok))
            else:
                stats, elapsed = asyncio.run(drive(base, tokens, users, args.seconds,
                                                   args.batch, args.cases, batch_ok,
                                                   args.screening_only))
            report(stats, elapsed)
            print(f"load average after: {load()}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
