"""Credentials: Argon2id passwords, TOTP codes, session tokens (only their hash is stored).

Plain functions of their inputs and of `now`, so tests move a clock instead of sleeping; the
session and lockout limits are applied by auth.py with the store's accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's PasswordHasher uses Argon2id with RFC 9106 low-memory parameters by default.
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


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
    return totp_step(secret, code, at) is not None


def totp_step(secret: str, code: str, at: datetime) -> int | None:
    """The 30-second step whose code `code` is (this one or a neighbour), else None; the
    caller refuses a step it has already accepted, so a code works once."""
    totp, typed = pyotp.TOTP(secret), code.strip()
    now = totp.timecode(at)
    for step in (now, now - 1, now + 1):
        if typed and secrets.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def spend_like_a_password_check(password: str) -> None:
    """Verify against a throw-away hash, so an unknown username takes as long to refuse as a
    known one (no account enumeration by timing)."""
    verify_password(_DUMMY_HASH, password)


def totp_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def new_session_token() -> str:
    """An unguessable bearer token / cookie value; only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the store keeps instead of the token, so a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()
