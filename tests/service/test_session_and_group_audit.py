"""At city scale a read must not write the session, and audited reads are group-committed:
a request within LAST_SEEN_EVERY of the session's last touch issues no write to it (the
idle limit is unchanged at that granularity); a case read's entry is in the chain, durable
and verifiable, when its answer arrives; an unknown case writes none."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from divert.store.accounts import LAST_SEEN_EVERY
from divert.store.tables import AuditRow, SessionRow

from .conftest import Env, assert_error


def _writes_to_sessions(env: Env) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE SESSIONS"):
            seen.append(statement)

    sa.event.listen(env.client.app.state.engine, "before_cursor_execute", record)  # type: ignore[attr-defined]
    return seen


def _last_seen(env: Env) -> list[Any]:
    with env.client.app.state.sessionmaker() as s:  # type: ignore[attr-defined]
        return list(s.scalars(sa.select(SessionRow.last_seen_at)))


def test_reads_within_the_threshold_do_not_write_the_session(env: Env) -> None:
    headers = env.headers("charging_ada")
    before = _last_seen(env)
    writes = _writes_to_sessions(env)
    for _ in range(3):
        env.clock.advance(seconds=15)
        assert env.client.get("/api/cases/T-POSS", headers=headers).status_code == 200
    assert writes == [] and _last_seen(env) == before
    env.clock.advance(seconds=LAST_SEEN_EVERY.total_seconds())
    assert env.client.get("/api/cases/T-POSS", headers=headers).status_code == 200
    assert len(writes) == 1 and _last_seen(env) != before


def test_the_idle_limit_still_ends_a_session(env: Env) -> None:
    headers = env.headers("charging_ada")
    env.clock.advance(seconds=31 * 60)
    assert_error(env.client.get("/api/cases/T-POSS", headers=headers), 401)


def test_a_read_is_in_the_verified_chain_when_answered_and_a_404_writes_nothing(
        env: Env) -> None:
    headers = env.headers("charging_ada")

    def reads() -> list[str]:
        with env.client.app.state.sessionmaker() as s:  # type: ignore[attr-defined]
            return list(s.scalars(sa.select(AuditRow.resource).where(
                AuditRow.action == "read", AuditRow.actor == "u-charging_ada")))

    assert env.client.get("/api/cases/T-POSS", headers=headers).status_code == 200
    assert reads() == ["cases/T-POSS"]
    assert_error(env.client.get("/api/cases/NO-SUCH", headers=headers), 404)
    assert env.client.get("/api/cases", headers=env.headers("supervisor")).status_code == 200
    assert reads() == ["cases/T-POSS"]
    body = env.client.get("/api/audit/verify", headers=env.headers("auditor")).json()
    assert body["ok"] is True, body
