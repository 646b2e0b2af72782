"""Accounts: roles checked, failed logins counted (never a lock), sessions that end on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from divert.store import accounts, treatment
from divert.store.views import Conflict, StaleVersion

from .kit import ADMIN, AT

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$invented"
IDLE, TOTAL = timedelta(minutes=30), timedelta(hours=12)


def make(session: Session, username: str = "ada.one", role: str = "charging_ada",
         provider_id: str | None = None) -> int:
    return accounts.create_user(session, ADMIN, username=username, password_hash=HASH,
                                role=role, totp_secret="JBSWY3DPEHPK3PXP",
                                provider_id=provider_id, at=AT).id


def fail(session: Session, minutes: float) -> None:
    accounts.record_failed_login(session, "ada.one", "10.0.0.9",
                                 at=AT + timedelta(minutes=minutes))


def test_roles_and_providers_are_checked(session: Session) -> None:
    with pytest.raises(Conflict, match="role: 'mayor' is not one of"):
        make(session, role="mayor")
    with pytest.raises(Conflict, match="provider_id: required for the provider role"):
        make(session, role="provider")
    treatment.create_provider(session, ADMIN, provider_id="prov-a", name="A")
    make(session, "prov.a", "provider", "prov-a")
    with pytest.raises(Conflict, match=r"username: 'prov\.a' is taken"):
        make(session, "prov.a", "provider", "prov-a")


def test_failed_logins_are_counted_but_never_lock_the_account(session: Session) -> None:
    """Red-team finding 5: failures from anyone locked the account; the store now only counts
    them (the service throttles the guessing address)."""
    make(session)
    for m in range(20):
        fail(session, m / 2)
    creds = accounts.credentials(session, "ada.one")
    assert creds is not None and not creds.locked
    assert accounts.list_users(session, ADMIN).items[0].failed_logins == 20


def test_only_an_administrator_locks_and_unlocks(session: Session) -> None:
    user_id = make(session)
    for m in range(5):
        fail(session, m)
    view = accounts.list_users(session, ADMIN).items[0]
    assert not view.locked and view.failed_logins == 5
    with pytest.raises(StaleVersion):
        accounts.update_user(session, ADMIN, user_id, view.version - 1, lock=True)
    locked = accounts.update_user(session, ADMIN, user_id, view.version, lock=True)
    assert locked.locked
    after = accounts.update_user(session, ADMIN, user_id, locked.version, unlock=True)
    assert (after.locked, after.failed_logins) == (False, 0)


def test_sessions_end_after_idle_or_total_limits(session: Session) -> None:
    user_id = make(session)
    accounts.open_session(session, user_id, "t" * 64, "10.0.0.9", AT)
    at = AT
    for _ in range(26):  # active every 29 minutes (12 h 34 min in all)
        at += timedelta(minutes=29)
        alive = accounts.resume_session(session, "t" * 64, at=at, idle=IDLE, total=TOTAL)
        assert (alive is not None) is (at - AT <= TOTAL)
    assert accounts.resume_session(session, "t" * 64, at=at, idle=IDLE, total=TOTAL) is None
    accounts.open_session(session, user_id, "u" * 64, "10.0.0.9", AT)
    late = AT + timedelta(minutes=31)
    assert accounts.resume_session(session, "u" * 64, at=late, idle=IDLE, total=TOTAL) is None


def test_logout_ends_the_session(session: Session) -> None:
    user_id = make(session)
    accounts.open_session(session, user_id, "t" * 64, "10.0.0.9", AT)
    accounts.end_session(session, ADMIN, "t" * 64, AT + timedelta(minutes=1))
    assert accounts.resume_session(session, "t" * 64, at=AT + timedelta(minutes=2),
                                   idle=IDLE, total=TOTAL) is None
