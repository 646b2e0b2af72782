"""Logging in: Argon2id password + TOTP, lockout after five failures in 15 minutes until an
administrator unlocks, sessions ending after 30 minutes idle or 12 hours in all."""

from __future__ import annotations

import pytest

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


def test_five_failures_within_15_minutes_lock_the_account_even_for_the_right_password(
    env: Env,
) -> None:
    for _ in range(4):
        assert_error(env.login("u-coordinator", password="wrong password!"), 401)
        env.clock.advance(minutes=3)
    assert_error(env.login("u-coordinator", password="wrong password!"), 423)
    assert_error(env.login("u-coordinator"), 423)
    env.clock.advance(hours=24)
    assert_error(env.login("u-coordinator"), 423)  # until an administrator unlocks it


def test_failures_spread_over_more_than_15_minutes_do_not_lock(env: Env) -> None:
    for _ in range(5):
        assert_error(env.login("u-coordinator", password="wrong password!"), 401)
        env.clock.advance(minutes=4)
    assert env.login("u-coordinator").status_code == 200


def test_an_administrator_unlocks_a_locked_account_with_if_match(env: Env) -> None:
    for _ in range(5):
        env.login("u-coordinator", password="wrong password!")
    admin = env.headers("administrator")
    users = env.client.get("/api/users", headers=admin, params={"page_size": 50}).json()
    row = next(u for u in users["items"] if u["username"] == "u-coordinator")
    assert row["locked"] is True
    unlocked = env.client.patch(f"/api/users/{row['id']}", json={"unlock": True},
                                headers={**admin, "If-Match": str(row["version"])})
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
