"""What the service benchmarks share: a free loopback port, the service started in a child
process and waited for, a fresh PostgreSQL schema, and the load average to print beside a
figure. Imported by service_rps.py, soak.py, service_load.py and import_scale.py."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Mapping

import httpx
import sqlalchemy as sa


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_service(env: Mapping[str, str], port: int, workers: int = 1,
                  wait_seconds: float = 60) -> subprocess.Popen[bytes]:
    """uvicorn serving `divert.service.app:app_from_env` (settings from `env`) on a loopback
    port, returned once it answers; the caller terminates it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "divert.service.app:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"], env=dict(env))
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline:
                server.terminate()
                raise SystemExit(f"server did not start within {wait_seconds:.0f} s") from None
            time.sleep(0.2)


def fresh_postgres(url: str) -> None:
    """Drop and recreate the database's public schema (a benchmark's own database only)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])
