"""A database that cannot be reached (down, restarting) is a clear 503 with Retry-After,
never a 500 with a stack trace: a restart is a pause the client can wait out."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from divert.service import messages
from divert.service.app import create_app
from divert.service.settings import Settings

from .conftest import assert_error


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_an_unreachable_database_answers_503_with_retry_after() -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/divert?connect_timeout=2"
    app = create_app(Settings(database_url=url))
    with TestClient(app) as client:
        login = client.post("/api/auth/login", json={
            "username": "u-charging_ada", "password": "x" * 12, "totp": "000000"})
        cases = client.get("/api/cases", headers={"Authorization": "Bearer nothing"})
    for response in (login, cases):
        body = assert_error(response, 503)
        assert body["error"] == messages.DATABASE_DOWN
        assert response.headers["Retry-After"] == "5"
    app.state.engine.dispose()
