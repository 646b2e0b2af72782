"""The no-secrets-in-logs canary (issue 12, item 3): an account whose password, TOTP secret
and session token are unmistakable canaries fails to log in, logs in, reads, writes, is
refused and meets a server error; none of the three may then appear in any log record the
service wrote (every logger, every level) nor in the audit log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from divert.cases.access import Actor
from divert.service.accounts import add_account
from divert.store import treatment
from divert.store.unit import atomic

from .conftest import CHEAP, START, Env

CANARY_PASSWORD = "CANARY-pw-7f3a9c"


def test_no_password_totp_secret_or_token_reaches_a_log(
    env: Env, db_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app: Any = env.client.app
    with app.state.sessionmaker() as db, atomic(db):
        made = add_account(db, Actor("setup", "administrator", "t"), "u-canary",
                           CANARY_PASSWORD, "charging_ada", None, START, hasher=CHEAP)
    env.secrets["u-canary"] = made.totp_secret
    caplog.set_level(logging.DEBUG)
    for _ in range(6):  # failures, then the throttle
        env.login("u-canary", password=CANARY_PASSWORD + "x", code="123456")
    env.clock.advance(minutes=20)
    logged = env.login("u-canary", password=CANARY_PASSWORD)
    assert logged.status_code == 200, logged.text
    token = logged.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    version = env.client.get("/api/cases/T-POSS", headers=auth).json()["version"]
    env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                    headers={**auth, "If-Match": str(version)})
    assert env.client.get("/api/users", headers=auth).status_code == 403

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a failure deep in the store")

    monkeypatch.setattr(treatment, "list_referrals", boom)
    loose = TestClient(app, raise_server_exceptions=False)
    assert loose.get("/api/referrals", headers=auth).status_code == 500
    env.client.post("/api/auth/logout", headers=auth)

    canaries = {"password": CANARY_PASSWORD, "totp secret": made.totp_secret, "token": token}
    assert caplog.records, "the service logged nothing: the canary would prove nothing"
    logged_text = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        audit_text = "\n".join(str(row) for row in conn.execute(text("select * from audit_log")))
    engine.dispose()
    for name, secret in canaries.items():
        assert secret not in logged_text, f"the {name} is in a log record"
        assert secret not in audit_text, f"the {name} is in the audit log"
