"""Credentials and session rules: Argon2id passwords, TOTP codes, session and lockout limits.

The rules are plain functions of their inputs and of `now`, so the tests move a clock instead
of sleeping; the store keeps the users, sessions and failure times.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from divert.service.settings import Settings

# argon2-cffi's PasswordHasher uses Argon2id with RFC 9106 low-memory parameters by default.
_HASHER = PasswordHasher()


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An Argon2id hash string (parameters and salt inside it, so verifying needs neither).

    `hasher` lets tests use cheap parameters; production uses argon2-cffi's defaults.
    """
    return (hasher or _HASHER).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when the password matches; False for a mismatch or an unreadable hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret for an authenticator app."""
    return pyotp.random_base32()


def totp_code(secret: str, at: datetime) -> str:
    """The six-digit code for `at` (what `divert totp SECRET` prints)."""
    return pyotp.TOTP(secret).at(at)


def verify_totp(secret: str, code: str, at: datetime) -> bool:
    """Accept the code of this 30-second step or the one before/after (clock drift)."""
    return bool(code) and pyotp.TOTP(secret).verify(code.strip(), for_time=at, valid_window=1)


def totp_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def new_session_token() -> str:
    """An unguessable bearer token / cookie value; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps instead of the token, so a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_is_alive(
    created_at: datetime, last_seen_at: datetime, now: datetime, settings: Settings
) -> bool:
    """A session ends after the idle limit, and after the absolute limit however busy."""
    idle = timedelta(minutes=settings.session_idle_minutes)
    total = timedelta(hours=settings.session_max_hours)
    return now - last_seen_at <= idle and now - created_at <= total


def should_lock(failures: Iterable[datetime], now: datetime, settings: Settings) -> bool:
    """Lock when `lockout_failures` failed logins fall within the window ending now."""
    window = timedelta(minutes=settings.lockout_window_minutes)
    recent = [t for t in failures if now - t <= window]
    return len(recent) >= settings.lockout_failures
