"""Accounts and sessions in the store: users, failed-login counts, locks an administrator
chose, session limits.

The store keeps only what authentication needs: an Argon2id hash (never a password), the
TOTP secret, the failure count with the time of the first failure in the window, and
sessions by the sha256 of their token (never the token). Hashing, TOTP checks and the limits
themselves (how many failures, how long) belong to the caller and are passed in, so the
rules live in one place (the service's settings). Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from divert.cases.access import ROLES, Actor, Role
from divert.store import audit
from divert.store.db import reading
from divert.store.tables import ProviderRow, SessionRow, UserRow
from divert.store.unit import as_utc, unit_of_work, utcnow
from divert.store.views import Conflict, NotFound, Page, StaleVersion, UserView

# "Last seen" is written at most this often, so a burst of reads is not a burst of durable
# writes; an idle session may therefore end up to this much early, never late.
LAST_SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login check needs; never shown to anyone, never logged."""

    user_id: int
    username: str
    role: str
    provider_id: str | None
    password_hash: str
    totp_secret: str | None
    locked: bool


def _view(r: UserRow) -> UserView:
    return UserView(r.id, r.username, r.role, r.provider_id, r.locked, r.failed_logins,
                    r.totp_secret is not None, r.version)


def _credentials(r: UserRow) -> Credentials:
    return Credentials(r.id, r.username, r.role, r.provider_id, r.password_hash, r.totp_secret,
                       r.locked)


def _check_role(session: Session, role: str, provider_id: str | None) -> None:
    if role not in ROLES:
        raise Conflict(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if (role == Role.PROVIDER) != (provider_id is not None):
        raise Conflict("provider_id: required for the provider role, and only for it")
    if provider_id is not None and session.get(ProviderRow, provider_id) is None:
        raise NotFound("provider", provider_id)


@unit_of_work
def create_user(
    session: Session, actor: Actor, *, username: str, password_hash: str, role: str,
    totp_secret: str | None = None, provider_id: str | None = None, at: datetime | None = None,
) -> UserView:
    """Add an account (the caller hashes the password with Argon2id)."""
    _check_role(session, role, provider_id)
    if session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise Conflict(f"username: {username!r} is taken")
    row = UserRow(username=username, password_hash=password_hash, totp_secret=totp_secret,
                  role=role, provider_id=provider_id, failed_logins=0, locked=False,
                  created_at=utcnow(at), version=1)
    session.add(row)
    session.flush()
    audit.append(session, actor, "users.create", f"users/{username}",
                 detail={"role": role, "provider_id": provider_id}, at=at)
    return _view(row)


@unit_of_work
def list_users(session: Session, actor: Actor, page: int = 1,
               page_size: int = 50) -> Page[UserView]:
    """One page of accounts, by username (audited)."""
    total = session.scalar(select(func.count()).select_from(UserRow)) or 0
    rows = session.scalars(select(UserRow).order_by(UserRow.username)
                           .offset((max(page, 1) - 1) * page_size).limit(page_size)).all()
    audit.append(session, actor, "list", "users", detail={"page": page, "total": total})
    return Page(tuple(_view(r) for r in rows), page, page_size, total)


@unit_of_work
def update_user(
    session: Session, actor: Actor, user_id: int, expected_version: int, *,
    role: str | None = None, provider_id: str | None = None, unlock: bool = False,
    lock: bool = False, at: datetime | None = None,
) -> UserView:
    """Change an account's role, lock it (its sessions end at their next request), or unlock
    it (which also clears its failure count). Locking is an administrator's choice only."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound("user", user_id)
    if row.version != expected_version:
        raise StaleVersion("user", user_id, expected_version, row.version)
    if role is not None:
        _check_role(session, role, provider_id)
        row.role, row.provider_id = role, provider_id
    if lock and unlock:
        raise Conflict("lock, unlock: choose one")
    if unlock:
        row.locked, row.failed_logins, row.first_failed_at = False, 0, None
    if lock:
        row.locked = True
    row.version += 1
    audit.append(session, actor, "users.update", f"users/{row.username}",
                 detail={"role": role, "unlock": unlock, "lock": lock}, at=at)
    return _view(row)


def credentials(session: Session, username: str) -> Credentials | None:
    """The account to check a login against, or None."""
    row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    return _credentials(row) if row is not None else None


@unit_of_work
def record_failed_login(session: Session, username: str, source: str, *, at: datetime) -> None:
    """Audit a failed login and count it on the account, if there is one (shown to
    administrators). It never locks the account or ends its sessions: failures from anyone
    must not become a way to lock someone out (red-team finding 5); the service throttles
    the address instead, and only an administrator locks (update_user)."""
    row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    if row is not None:
        if row.first_failed_at is None:
            row.first_failed_at = at
        row.failed_logins += 1
    audit.append(session, Actor(username, row.role if row else "unknown", source), "login",
                 f"users/{username}", outcome="denied",
                 detail={"locked": bool(row is not None and row.locked)}, at=at)


@unit_of_work
def open_session(session: Session, user_id: int, token_sha256: str, source: str,
                 at: datetime, totp_step: int | None = None) -> bool:
    """A successful login: clear the failures and store the session (by token hash only).

    False, writing nothing, when `totp_step` is not later than the step of the last code this
    account used: a one-time code is good once (one conditional UPDATE, so two logins racing
    with the same code cannot both win).
    """
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound("user", user_id)
    if totp_step is not None:
        claimed = session.execute(
            update(UserRow).where(UserRow.id == user_id, or_(
                UserRow.last_totp_step.is_(None), UserRow.last_totp_step < totp_step))
            .values(last_totp_step=totp_step).execution_options(synchronize_session="fetch"))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
    row.failed_logins, row.first_failed_at = 0, None
    session.add(SessionRow(id=token_sha256, user_id=user_id, created_at=at, last_seen_at=at))
    audit.append(session, Actor(row.username, row.role, source), "login",
                 f"users/{row.username}", at=at)
    return True


def resume_session(
    session: Session, token_sha256: str, *, at: datetime, idle: timedelta, total: timedelta,
) -> Credentials | None:
    """The session's account if the session is alive (touching its last-seen time at most
    once per LAST_SEEN_EVERY); else end it and return None.

    The check is a read (`db.reading`: on SQLite it neither takes nor waits for the write
    lock), so a request within LAST_SEEN_EVERY of the last touch writes nothing; only a touch
    or an ending is written, in its own transaction that checks again under the lock."""
    if session.in_transaction():  # inside a caller's unit of work: keep it one transaction
        return _resume_writing(session, token_sha256, at=at, idle=idle, total=total)
    with reading():
        row = session.get(SessionRow, token_sha256)
        user = None if row is None else session.get(UserRow, row.user_id)
        found = None if user is None else _credentials(user)
        quiet = (row is not None and row.ended_at is None and user is not None
                 and not user.locked and at - as_utc(row.created_at) <= total
                 and at - as_utc(row.last_seen_at) < LAST_SEEN_EVERY
                 and at - as_utc(row.last_seen_at) <= idle)
        gone = row is None or row.ended_at is not None
        session.commit()  # ends the read; nothing was written
    if gone:
        return None
    if quiet:
        return found
    session.expire_all()  # the write checks again what it reads, under the lock
    return _resume_writing(session, token_sha256, at=at, idle=idle, total=total)


@unit_of_work
def _resume_writing(
    session: Session, token_sha256: str, *, at: datetime, idle: timedelta, total: timedelta,
) -> Credentials | None:
    row = session.get(SessionRow, token_sha256)
    if row is None or row.ended_at is not None:
        return None
    user = session.get(UserRow, row.user_id)
    alive = (at - as_utc(row.last_seen_at) <= idle and at - as_utc(row.created_at) <= total)
    if user is None or user.locked or not alive:
        row.ended_at = at
        return None
    if at - as_utc(row.last_seen_at) >= LAST_SEEN_EVERY:
        row.last_seen_at = at
    return _credentials(user)


@unit_of_work
def end_session(session: Session, actor: Actor, token_sha256: str, at: datetime) -> None:
    """Log out: the token stops working now."""
    row = session.get(SessionRow, token_sha256)
    if row is not None and row.ended_at is None:
        row.ended_at = at
        audit.append(session, actor, "logout", f"users/{actor.username}", at=at)
