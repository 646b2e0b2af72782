"""Logging in and staying logged in: password + TOTP, lockout, sessions with idle and total
limits, all measured against the injected clock.

The rules (Argon2id, TOTP, how many failures, how long a session lives) are here, from the
settings; the store keeps users, failure counts and sessions (store/accounts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from divert.cases.access import Actor
from divert.service import messages
from divert.service.deps import Principal
from divert.service.errors import ApiError
from divert.service.security import (
    new_session_token,
    spend_like_a_password_check,
    token_hash,
    totp_step,
    verify_password,
)
from divert.service.settings import Settings
from divert.store import accounts
from divert.store.handles import Session


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    principal: Principal
    expires_at: datetime


def actor_of(p: Principal) -> Actor:
    return Actor(p.username, p.role, p.source, p.provider_id)


def login(db: Session, username: str, password: str, code: str, now: datetime,
          settings: Settings, source: str) -> LoginResult:
    """Check password and one-time code; on success open a session (only its hash stored).

    Raises ApiError 401 (wrong; the same sentence whatever was wrong) or 423 (locked).
    """
    cred = accounts.credentials(db, username)
    if cred is None:
        spend_like_a_password_check(password)
    step = None
    ok = (
        cred is not None
        and not cred.locked
        and verify_password(cred.password_hash, password)
        and cred.totp_secret is not None
        and (step := totp_step(cred.totp_secret, code, now)) is not None
    )
    token = new_session_token()
    if ok and cred is not None:
        ok = accounts.open_session(db, cred.user_id, token_hash(token), source, now, step)
    if not ok or cred is None:
        locked = accounts.record_failed_login(
            db, username, source, at=now, limit=settings.lockout_failures,
            window=timedelta(minutes=settings.lockout_window_minutes))
        raise ApiError(423, messages.ACCOUNT_LOCKED) if locked else ApiError(
            401, messages.BAD_LOGIN)
    principal = Principal(cred.user_id, cred.username, cred.role, cred.provider_id,
                          token_hash(token), source)
    limit = min(timedelta(minutes=settings.session_idle_minutes),
                timedelta(hours=settings.session_max_hours))
    return LoginResult(token, principal, now + limit)


def resume_session(db: Session, token: str, now: datetime, settings: Settings,
                   source: str) -> Principal | None:
    """The session's user if it is still alive (the store touches it), else None (ended)."""
    cred = accounts.resume_session(
        db, token_hash(token), at=now, idle=timedelta(minutes=settings.session_idle_minutes),
        total=timedelta(hours=settings.session_max_hours))
    if cred is None:
        return None
    return Principal(cred.user_id, cred.username, cred.role, cred.provider_id,
                     token_hash(token), source)


def logout(db: Session, principal: Principal, now: datetime) -> None:
    """End the session now; the token no longer works."""
    accounts.end_session(db, actor_of(principal), principal.session_id, now)
