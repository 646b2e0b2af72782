"""Logging in: Argon2id password + TOTP; five failures in 15 minutes make that address (not
the account) wait; only an administrator locks; sessions end after 30 minutes idle or 12
hours in all."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import PASSWORD, Env, assert_error


def test_login_with_password_and_current_code_returns_a_working_bearer_token(env: Env) -> None:
    response = env.login("u-charging_ada")
    assert response.status_code == 200
    token = response.json()["token"]
    me = env.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"username": "u-charging_ada", "role": "charging_ada",
                         "provider_id": None}


def test_a_wrong_password_or_a_wrong_code_is_refused_with_the_same_sentence(env: Env) -> None:
    wrong_pw = assert_error(env.login("u-charging_ada", password="not the password"), 401)
    wrong_code = assert_error(env.login("u-charging_ada", code="000000"), 401)
    unknown = assert_error(env.login("nobody", code="123456"), 401)
    assert wrong_pw["error"] == wrong_code["error"] == unknown["error"]


def test_a_code_from_ten_minutes_ago_is_refused(env: Env) -> None:
    from divert.service.security import totp_code

    old = totp_code(env.secrets["u-charging_ada"], env.clock.now())
    env.clock.advance(minutes=10)
    assert_error(env.login("u-charging_ada", code=old), 401)


def test_a_one_time_code_works_once_even_within_its_step(env: Env) -> None:
    from divert.service.security import totp_code

    code = totp_code(env.secrets["u-charging_ada"], env.clock.now())
    assert env.login("u-charging_ada", code=code).status_code == 200
    assert_error(env.login("u-charging_ada", code=code), 401)  # replayed
    env.clock.advance(seconds=30)
    fresh = totp_code(env.secrets["u-charging_ada"], env.clock.now())
    assert env.login("u-charging_ada", code=fresh).status_code == 200


def test_an_unknown_username_costs_a_password_check_like_a_known_one(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from divert.service import auth

    checked: list[str] = []
    real = auth.spend_like_a_password_check
    monkeypatch.setattr(auth, "spend_like_a_password_check",
                        lambda pw: (checked.append(pw), real(pw))[1])
    assert_error(env.login("nobody-at-all", password="guess one", code="123456"), 401)
    assert checked == ["guess one"]


def from_address(env: Env, address: str) -> TestClient:
    """A second client of the same service, whose requests come from `address`."""
    return TestClient(env.client.app, client=(address, 40000))


def login_from(env: Env, client: TestClient, username: str, password: str = PASSWORD) -> Any:
    right = username in env.secrets and password == PASSWORD
    code = env.code(username) if right else "123456"  # a guess needs no real code
    return client.post("/api/auth/login", json={
        "username": username, "password": password, "totp": code})


def test_bad_logins_from_anyone_neither_lock_the_account_nor_end_its_sessions(
    env: Env,
) -> None:
    """Red-team finding 5: five bad logins from anyone locked the account and ended its live
    sessions until an administrator unlocked it. Now the guessing address waits; the
    person, at their own address, keeps their session and logs in as usual."""
    victim = env.headers("coordinator")
    attacker = from_address(env, "203.0.113.7")
    for _ in range(5):
        assert_error(login_from(env, attacker, "u-coordinator", "wrong password!"), 401)
    assert_error(login_from(env, attacker, "u-coordinator"), 429)  # even the right password
    assert env.client.get("/api/auth/me", headers=victim).status_code == 200
    assert env.login("u-coordinator").status_code == 200  # from the victim's own address


def test_an_address_that_keeps_failing_waits_longer_each_time_then_may_try_again(
    env: Env,
) -> None:
    attacker = from_address(env, "203.0.113.7")
    for _ in range(5):
        assert_error(login_from(env, attacker, "u-coordinator", "wrong password!"), 401)
    refused = login_from(env, attacker, "u-coordinator", "wrong password!")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    env.clock.advance(seconds=61)
    assert_error(login_from(env, attacker, "u-coordinator", "wrong password!"), 401)
    again = login_from(env, attacker, "u-coordinator", "wrong password!")
    assert again.headers["Retry-After"] == "120"
    env.clock.advance(seconds=121)
    assert login_from(env, attacker, "u-coordinator").status_code == 200


def test_a_throttled_unknown_username_answers_like_a_real_one(env: Env) -> None:
    """No enumeration: the same 401s, then the same 429 and wait, whether the account
    exists or not."""
    attacker = from_address(env, "203.0.113.7")
    answers = {}
    for name in ("u-analyst", "nobody-at-all"):
        seen = [login_from(env, attacker, name, "wrong password!") for _ in range(6)]
        answers[name] = [(r.status_code, r.json()["error"], r.headers.get("Retry-After"))
                         for r in seen]
    assert answers["u-analyst"] == answers["nobody-at-all"]
    assert [a[0] for a in answers["u-analyst"]] == [401] * 5 + [429]


def test_many_addresses_guessing_one_username_are_each_held_back_but_not_a_fresh_one(
    env: Env,
) -> None:
    """The global cap: 50 failures on one username from 50 addresses, then every address
    that failed waits the longest wait; the person's own address still logs in."""
    guessers = [from_address(env, f"198.51.100.{i}") for i in range(50)]
    for guesser in guessers:
        assert_error(login_from(env, guesser, "u-supervisor", "wrong password!"), 401)
    again = assert_error(login_from(env, guessers[0], "u-supervisor", "wrong password!"), 429)
    assert "wait 900 seconds" in again["error"]
    assert env.login("u-supervisor").status_code == 200


def test_only_an_administrator_locks_and_a_lock_ends_the_sessions(env: Env) -> None:
    victim = env.headers("coordinator")
    admin = env.headers("administrator")
    users = env.client.get("/api/users", headers=admin, params={"page_size": 50}).json()
    row = next(u for u in users["items"] if u["username"] == "u-coordinator")
    assert row["locked"] is False
    locked = env.client.patch(f"/api/users/{row['id']}", json={"lock": True},
                              headers={**admin, "If-Match": str(row["version"])})
    assert locked.status_code == 200 and locked.json()["locked"] is True
    assert_error(env.client.get("/api/auth/me", headers=victim), 401)
    # only the right password and code learn of the lock; a guess gets the usual 401
    assert_error(env.login("u-coordinator", password="wrong password!"), 401)
    assert_error(env.login("u-coordinator"), 423)
    unlocked = env.client.patch(f"/api/users/{row['id']}", json={"unlock": True},
                                headers={**admin, "If-Match": str(locked.json()["version"])})
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    assert env.login("u-coordinator").status_code == 200


def test_a_session_ends_after_30_minutes_idle(env: Env) -> None:
    headers = env.headers("charging_ada")
    env.clock.advance(minutes=29)
    assert env.client.get("/api/auth/me", headers=headers).status_code == 200
    env.clock.advance(minutes=29)  # 29 idle since the last request: still alive
    assert env.client.get("/api/auth/me", headers=headers).status_code == 200
    env.clock.advance(minutes=31)
    assert_error(env.client.get("/api/auth/me", headers=headers), 401)
    env.clock.advance(seconds=1)  # an ended session never comes back
    assert_error(env.client.get("/api/auth/me", headers=headers), 401)


def test_a_busy_session_still_ends_12_hours_after_login(env: Env) -> None:
    headers = env.headers("charging_ada")
    for _ in range(12 * 3 - 1):
        env.clock.advance(minutes=20)
        assert env.client.get("/api/auth/me", headers=headers).status_code == 200
    env.clock.advance(minutes=21)  # 12 h 1 min after login, 21 min idle
    assert_error(env.client.get("/api/auth/me", headers=headers), 401)


def test_logout_ends_the_token(env: Env) -> None:
    headers = env.headers("analyst")
    assert env.client.post("/api/auth/logout", headers=headers).status_code == 200
    assert_error(env.client.get("/api/auth/me", headers=headers), 401)


def test_passwords_are_stored_as_argon2id_never_in_clear(db_url: str, env: Env) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        hashes = [h for (h,) in conn.execute(text("select password_hash from users"))]
    engine.dispose()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_the_account_list_never_shows_hashes_or_totp_secrets(env: Env) -> None:
    body = env.client.get("/api/users", headers=env.headers("administrator")).text
    assert "argon2" not in body and env.secrets["u-auditor"] not in body


def test_last_seen_is_written_at_most_once_a_minute(db_url: str, env: Env) -> None:
    """Reads are not durable writes each time: a session's last-seen time moves only when a
    request comes a minute or more after the one it records."""
    from datetime import datetime, timedelta

    from sqlalchemy import create_engine, select

    from divert.store.tables import SessionRow, UserRow
    from divert.store.unit import as_utc

    headers = env.headers("analyst")
    engine = create_engine(db_url)

    def last_seen() -> datetime:
        with engine.connect() as conn:
            return as_utc(conn.execute(
                select(SessionRow.last_seen_at).join(UserRow, UserRow.id == SessionRow.user_id)
                .where(UserRow.username == "u-analyst")).scalar_one())

    try:
        at_login = last_seen()
        for _ in range(3):
            env.clock.advance(seconds=19)
            assert env.client.get("/api/auth/me", headers=headers).status_code == 200
        assert last_seen() == at_login  # 57 s of requests: no write
        env.clock.advance(seconds=4)
        assert env.client.get("/api/auth/me", headers=headers).status_code == 200
        assert last_seen() == at_login + timedelta(seconds=61)
    finally:
        engine.dispose()
