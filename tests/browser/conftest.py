"""Browser tests: the real app served by uvicorn on a free loopback port, driven by Chromium.

Each test module gives its own `prepare(url) -> totp_secret` (migrate, add what the page
needs, and one account); `serve` runs the app over that database in a thread.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from argon2 import PasswordHasher

from divert.cases.access import Actor
from divert.service.app import create_app
from divert.service.settings import Settings

PASSWORD = "an invented password"
SETUP = Actor("test-setup", "administrator", "test")
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextmanager
def serve(tmp_path: Path, prepare: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    """Serve a fresh SQLite store prepared by `prepare`; yields (base URL, TOTP secret)."""
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    secret = prepare(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=url)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", secret
    finally:
        server.should_exit = True
        thread.join(timeout=10)
