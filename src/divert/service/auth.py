"""Logging in and staying logged in: password + TOTP, lockout, sessions with idle and total
limits, all measured against the injected clock.

Adapter note: the store's repository had no user/session functions when this was written, so
the few reads and writes of `users` and `sessions` live here, over store.tables (ORM, no SQL
text), each in the caller's transaction with its audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.service import messages
from divert.service.deps import Principal
from divert.service.errors import ApiError
from divert.service.security import (
    new_session_token,
    session_is_alive,
    token_hash,
    verify_password,
    verify_totp,
)
from divert.service.settings import Settings
from divert.store import audit
from divert.store.tables import SessionRow, UserRow

# Recording "last seen" on every request would make every read a durable write; once a
# minute is enough for a 30-minute idle limit (a session may end up to a minute early).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    principal: Principal
    expires_at: datetime


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def actor_of(p: Principal) -> Actor:
    return Actor(p.username, p.role, p.source, p.provider_id)


def _fail(db: Session, user: UserRow | None, username: str, now: datetime,
          settings: Settings, source: str) -> ApiError:
    """Count a failure (locking at the limit), audit it, commit, and return the refusal."""
    if user is not None:
        first = _utc(user.first_failed_at) if user.first_failed_at else None
        window = now - first if first else None
        if first is None or window is None or window.total_seconds() > 60 * (
            settings.lockout_window_minutes
        ):
            user.failed_logins, user.first_failed_at = 1, now
        else:
            user.failed_logins += 1
        if user.failed_logins >= settings.lockout_failures:
            user.locked = True
    audit.append(db, Actor(username, user.role if user else "unknown", source), "login",
                 f"users/{username}", outcome="denied", at=now,
                 detail={"locked": bool(user and user.locked)})
    db.commit()
    if user is not None and user.locked:
        return ApiError(423, messages.ACCOUNT_LOCKED)
    return ApiError(401, messages.BAD_LOGIN)


def login(db: Session, username: str, password: str, code: str, now: datetime,
          settings: Settings, source: str) -> LoginResult:
    """Check password and one-time code; on success open a session (only its hash stored)."""
    user = db.scalars(select(UserRow).where(UserRow.username == username)).first()
    if user is not None and user.locked:
        audit.append(db, Actor(username, user.role, source), "login", f"users/{username}",
                     outcome="denied", at=now, detail={"locked": True})
        db.commit()
        raise ApiError(423, messages.ACCOUNT_LOCKED)
    ok = (
        user is not None
        and verify_password(user.password_hash, password)
        and user.totp_secret is not None
        and verify_totp(user.totp_secret, code, now)
    )
    if not ok or user is None:
        raise _fail(db, user, username, now, settings, source)
    user.failed_logins, user.first_failed_at = 0, None
    token = new_session_token()
    db.add(SessionRow(id=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
    audit.append(db, Actor(username, user.role, source), "login", f"users/{username}", at=now)
    db.commit()
    principal = Principal(user.id, user.username, user.role, user.provider_id,
                          token_hash(token), source)
    limit = min(settings.session_idle_minutes * 60, settings.session_max_hours * 3600)
    return LoginResult(token, principal, datetime.fromtimestamp(now.timestamp() + limit, UTC))


def resume_session(db: Session, token: str, now: datetime, settings: Settings,
                   source: str) -> Principal | None:
    """The session's user if it is still alive (touching it), else None (and it is ended)."""
    row = db.get(SessionRow, token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    user = db.get(UserRow, row.user_id)
    alive = session_is_alive(_utc(row.created_at), _utc(row.last_seen_at), now, settings)
    if user is None or user.locked or not alive:
        row.ended_at = now
        db.commit()
        return None
    if now - _utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    db.commit()  # also ends the read transaction at once, so other requests are not held up
    return Principal(user.id, user.username, user.role, user.provider_id, row.id, source)


def logout(db: Session, principal: Principal, now: datetime) -> None:
    """End the session now; the token no longer works."""
    row = db.get(SessionRow, principal.session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = now
        audit.append(db, actor_of(principal), "logout", f"users/{principal.username}", at=now)
        db.commit()
