"""Accounts: create one (CLI, API, demo) with an Argon2id hash and a fresh TOTP secret.

The store keeps the account (store/accounts.py); the password rules and the hashing are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher

from divert.cases.access import ROLES, Actor
from divert.errors import DivertError
from divert.service.security import hash_password, new_totp_secret, totp_uri
from divert.service.settings import Settings
from divert.store import accounts
from divert.store.db import make_engine, make_sessionmaker
from divert.store.handles import Session
from divert.store.views import UserView

MIN_PASSWORD = 10


class AccountError(DivertError):
    """An account that cannot be created as asked (unknown role, short password, taken name)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """What a new user needs once: the TOTP secret and the URI an authenticator scans."""

    id: int
    username: str
    role: str
    password: str
    totp_secret: str
    uri: str
    created: bool  # False when the account already existed (demo re-run)


def check_account(username: str, password: str, role: str, provider_id: str | None) -> None:
    """Refuse what would make a useless or unsafe account, naming the field."""
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"a password needs at least {MIN_PASSWORD} characters")
    if not username or len(username) > 64:
        raise AccountError("username", "a username needs 1 to 64 characters")
    if (role == "provider") != (provider_id is not None):
        raise AccountError(
            "provider_id", "a provider account needs provider_id, and only a provider has one"
        )


def add_account(db: Session, by: Actor, username: str, password: str, role: str,
                provider_id: str | None, now: datetime, *, secret: str | None = None,
                issuer: str = "divert", exist_ok: bool = False,
                hasher: PasswordHasher | None = None) -> NewAccount:
    """Create the account (committed with its audit entry), or return it if `exist_ok`."""
    check_account(username, password, role, provider_id)
    found = accounts.credentials(db, username)
    if found is not None:
        if not exist_ok or found.totp_secret is None:
            raise AccountError("username", f"the username {username!r} is taken")
        return NewAccount(found.user_id, username, found.role, password, found.totp_secret,
                          totp_uri(found.totp_secret, username, issuer), False)
    secret = secret or new_totp_secret()
    view = accounts.create_user(db, by, username=username,
                                password_hash=hash_password(password, hasher), role=role,
                                totp_secret=secret, provider_id=provider_id, at=now)
    return NewAccount(view.id, username, role, password, secret,
                      totp_uri(secret, username, issuer), True)


def create_account(settings: Settings, username: str, password: str, role: str,
                   provider_id: str | None) -> NewAccount:
    """`divert users add`: one account, committed with its audit entry."""
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as db:
            return add_account(db, Actor("cli", "administrator", "cli"), username, password,
                               role, provider_id, datetime.now(UTC), issuer=settings.totp_issuer)
    finally:
        engine.dispose()


def user_public(u: UserView) -> dict[str, object]:
    """An account as the API shows it: never the hash, never the TOTP secret."""
    return {"id": u.id, "username": u.username, "role": u.role, "provider_id": u.provider_id,
            "locked": u.locked, "failed_logins": u.failed_logins, "has_totp": u.has_totp,
            "version": u.version}
