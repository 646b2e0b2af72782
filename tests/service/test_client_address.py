"""Whose address the audit log records (red-team finding 10, its X-Forwarded-For part): any
local client could set it with X-Forwarded-For. The header is believed only from a peer that
DIVERT_TRUSTED_PROXIES names."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, Env


def _login_sources(env: Env, username: str) -> list[str]:
    log = env.client.get("/api/audit", params={"page_size": 200},
                         headers=env.headers("auditor")).json()
    return [e["source"] for e in log["items"]
            if e["action"] == "login" and e["resource"] == f"users/{username}"]


def _login(env: Env, client: TestClient, forwarded: str) -> Any:
    return client.post("/api/auth/login", headers={"X-Forwarded-For": forwarded}, json={
        "username": "u-analyst", "password": PASSWORD, "totp": env.code("u-analyst")})


def test_a_client_that_is_no_trusted_proxy_cannot_choose_its_audited_address(env: Env) -> None:
    local = TestClient(env.client.app, client=("127.0.0.1", 40000))
    assert _login(env, local, "198.51.100.9").status_code == 200
    assert _login_sources(env, "u-analyst") == ["127.0.0.1"]


def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(env: Env) -> None:
    app: Any = env.client.app
    app.state.settings = app.state.settings.model_copy(
        update={"trusted_proxies": "10.0.0.0/24"})
    proxy = TestClient(app, client=("10.0.0.5", 40000))
    # a client-written first hop, the real client, then a second trusted proxy
    assert _login(env, proxy, "6.6.6.6, 198.51.100.9, 10.0.0.7").status_code == 200
    assert _login_sources(env, "u-analyst") == ["198.51.100.9"]


@pytest.mark.parametrize("forwarded", ["not-an-address", ""])
def test_a_malformed_forwarded_header_from_a_proxy_is_not_believed(
    env: Env, forwarded: str
) -> None:
    app: Any = env.client.app
    app.state.settings = app.state.settings.model_copy(update={"trusted_proxies": "10.0.0.5"})
    proxy = TestClient(app, client=("10.0.0.5", 40000))
    assert _login(env, proxy, forwarded).status_code == 200
    assert _login_sources(env, "u-analyst") == ["10.0.0.5"]


def test_a_bad_trusted_proxy_setting_stops_the_service_at_start(tmp_path: Any) -> None:
    from divert.service.app import create_app
    from divert.service.settings import Settings

    with pytest.raises(ValueError, match=r"DIVERT_TRUSTED_PROXIES: 'proxy\.example' is not"):
        create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite",
                            trusted_proxies="10.0.0.1, proxy.example"))


def test_divert_serve_turns_off_uvicorns_own_forwarded_header_reading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """uvicorn believes X-Forwarded-For from 127.0.0.1 unless told not to."""
    import uvicorn

    from divert.cli.service import _serve

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    _serve("127.0.0.1", 8000, f"sqlite:///{tmp_path}/x.sqlite")
    assert seen["proxy_headers"] is False
