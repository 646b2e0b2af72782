"""Service test set-up: a migrated SQLite store with invented accounts (one per role, plus a
second provider), copied fresh for each test; a FixedClock; a client that logs in by role.

Building the template once keeps the suite fast: Argon2id hashing and migrations run once per
session, and each test gets its own copy of the file, so tests never see each other's writes.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from divert.cases.access import ROLES, Actor
from divert.cases.model import Charge
from divert.policy.load import load_policies
from divert.service.accounts import add_account
from divert.service.app import create_app
from divert.service.clock import FixedClock
from divert.service.screening import screen_and_store
from divert.service.security import totp_code
from divert.service.settings import Settings
from divert.store import repo, treatment
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.tables import Base
from divert.store.unit import atomic

REPO_DOCS = Path(__file__).resolve().parents[2] / "docs"
START = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
SETUP = Actor("test-setup", "administrator", "test")
# Still Argon2id, with small parameters so each login in a test costs milliseconds, not 0.5 s.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# Invented cases: (id, person, filing date, charges as (wording, citation)).
CASES = (
    ("T-POSS", "p-1", date(2026, 7, 1), (("Int Poss Contr Subst By Per Not Reg",
                                          "35 § 780-113 §§ A16"),)),
    ("T-PWID", "p-2", date(2026, 7, 1), (("Manufacture, Delivery, or Possession With Intent "
                                          "to Manufacture or Deliver", "35 § 780-113 §§ A30"),)),
    ("T-PARA", "p-3", date(2026, 6, 30), (("Use/Poss Of Drug Paraph", "35 § 780-113 §§ A32"),)),
)


@dataclass
class Env:
    """One test's service: the app, its client, the clock, and a login helper by role."""

    client: TestClient
    clock: FixedClock
    secrets: dict[str, str]
    usernames: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)

    def login(self, username: str, password: str = PASSWORD, code: str | None = None) -> Any:
        code = code or totp_code(self.secrets[username], self.clock.now())
        return self.client.post("/api/auth/login", json={
            "username": username, "password": password, "totp": code})

    def headers(self, role: str, **extra: str) -> dict[str, str]:
        """Bearer headers for the account of `role` (logged in once per test)."""
        if role not in self.tokens:
            response = self.login(self.usernames[role])
            assert response.status_code == 200, response.text
            self.tokens[role] = response.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}


def _seed(url: str) -> dict[str, str]:
    """Invented providers, one account per role (and a second provider), three screened
    cases; returns each account's TOTP secret."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    secrets: dict[str, str] = {}
    now = START
    with factory() as db:
        treatment.create_provider(db, SETUP, provider_id="prov-a", name="Provider A (invented)")
    with factory() as db:
        treatment.create_provider(db, SETUP, provider_id="prov-b", name="Provider B (invented)")
    with factory() as db, atomic(db):
        for role in ROLES:
            provider = "prov-a" if role == "provider" else None
            acct = add_account(db, SETUP, f"u-{role}", PASSWORD, role, provider, now,
                               hasher=CHEAP)
            secrets[acct.username] = acct.totp_secret
        acct = add_account(db, SETUP, "u-provider-b", PASSWORD, "provider", "prov-b", now,
                           hasher=CHEAP)
        secrets[acct.username] = acct.totp_secret
    policy = load_policies()["phl-dao-simple-possession"]
    for case_id, person, filed, charges in CASES:
        with factory() as db:
            repo.create_case(db, SETUP, case_id=case_id, person_id=person, filing_date=filed,
                             charges=[Charge(w, c) for w, c in charges], at=now)
            screen_and_store(db, SETUP, case_id, policy, now)
    engine.dispose()
    return secrets


def _build_template(path: Path) -> dict[str, str]:
    url = f"sqlite:///{path}"
    upgrade(url)
    return _seed(url)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("template") / "divert.sqlite"
    secrets = _build_template(path)
    return path, secrets


@pytest.fixture
def db_url(template_db: tuple[Path, dict[str, str]], tmp_path: Path) -> str:
    target = tmp_path / "divert.sqlite"
    shutil.copy(template_db[0], target)
    return f"sqlite:///{target}"


def _make_env(url: str, secrets: dict[str, str]) -> Iterator[Env]:
    clock = FixedClock(START)
    app = create_app(Settings(database_url=url), clock=clock)
    usernames = {role: f"u-{role}" for role in ROLES}
    with TestClient(app) as client:
        yield Env(client, clock, dict(secrets), usernames)
    app.state.engine.dispose()


@pytest.fixture
def env(db_url: str, template_db: tuple[Path, dict[str, str]]) -> Iterator[Env]:
    yield from _make_env(db_url, template_db[1])


@pytest.fixture(scope="session")
def pg_schema(postgres_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema built by the migrations, dropped at the end of the session."""
    schema = f"divert_service_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url).set(drivername="postgresql+psycopg").update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_env(pg_schema: str) -> Iterator[Env]:
    """The same service and seed data on PostgreSQL (tables emptied and re-seeded per test)."""
    engine = make_engine(pg_schema)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
    yield from _make_env(pg_schema, _seed(pg_schema))


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The one error body (style.md "Errors"), with the status it claims."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == status
    assert body["error"] and all(set(e) == {"loc", "msg"} and e["msg"] for e in body["errors"])
    return body
