"""Logging in and staying logged in: password + TOTP, a bad-login throttle, sessions with
idle and total limits, all measured against the injected clock.

The rules (Argon2id, TOTP, how many failures, how long a session lives) are here, from the
settings; the store keeps users, failure counts and sessions (store/accounts.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from divert.cases.access import Actor
from divert.service import messages
from divert.service.errors import ApiError
from divert.service.security import (
    new_session_token,
    spend_like_a_password_check,
    token_hash,
    totp_step,
    verify_password,
)
from divert.service.settings import Settings
from divert.service.throttle import LoginThrottle
from divert.store import accounts
from divert.store.handles import Session


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the account, its role, and its provider organisation if any."""

    user_id: int
    username: str
    role: str
    provider_id: str | None
    session_id: str
    source: str  # client address, for the audit log

    @property
    def actor(self) -> str:
        return self.username


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    principal: Principal
    expires_at: datetime


def actor_of(p: Principal) -> Actor:
    return Actor(p.username, p.role, p.source, p.provider_id)


def login(db: Session, username: str, password: str, code: str, now: datetime,
          settings: Settings, source: str, throttle: LoginThrottle) -> LoginResult:
    """Check password and one-time code; on success open a session (only its hash stored).

    Raises ApiError 429 (this address must wait: nothing is checked), 401 (wrong; the same
    sentence whatever was wrong, for real and unknown usernames alike) or 423 (the right
    password and code for an account an administrator locked: only someone who holds the
    credentials learns of the lock). A failure never locks an account or ends a session.
    """
    wait = throttle.retry_after(username, source, now)
    if wait is not None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise ApiError(429, messages.LOGIN_THROTTLED.format(seconds=seconds),
                       headers={"Retry-After": str(seconds)})
    cred = accounts.credentials(db, username)
    if cred is None:
        spend_like_a_password_check(password)
    step = None
    right = (
        cred is not None
        and verify_password(cred.password_hash, password)
        and cred.totp_secret is not None
        and (step := totp_step(cred.totp_secret, code, now)) is not None
    )
    if right and cred is not None and cred.locked:
        accounts.record_failed_login(db, username, source, at=now)
        raise ApiError(423, messages.ACCOUNT_LOCKED)
    token = new_session_token()
    ok = right and cred is not None and accounts.open_session(
        db, cred.user_id, token_hash(token), source, now, step)
    if not ok or cred is None:
        throttle.failed(username, source, now)
        accounts.record_failed_login(db, username, source, at=now)
        raise ApiError(401, messages.BAD_LOGIN)
    throttle.succeeded(username, source)
    principal = Principal(cred.user_id, cred.username, cred.role, cred.provider_id,
                          token_hash(token), source)
    limit = min(timedelta(minutes=settings.session_idle_minutes),
                timedelta(hours=settings.session_max_hours))
    return LoginResult(token, principal, now + limit)


def make_throttle(settings: Settings) -> LoginThrottle:
    """The service's one throttle, from its settings."""
    return LoginThrottle(
        per_source=settings.lockout_failures,
        window=timedelta(minutes=settings.lockout_window_minutes),
        first_wait=timedelta(seconds=settings.login_first_wait_seconds),
        max_wait=timedelta(minutes=settings.login_max_wait_minutes),
        global_cap=settings.login_global_cap)


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
