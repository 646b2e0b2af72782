"""Service test set-up: a migrated store with invented accounts (one per role, plus a second
provider) and three screened cases, on SQLite and on PostgreSQL; a FixedClock; a client that
logs in by role.

Every test that touches the database runs once per backend (ids `[sqlite]`, `[postgresql]`).
The seeded template is built once per backend per session (Argon2id hashing, migrations and
screening run once); each test then starts from an exact copy of it, so tests never see each
other's writes: SQLite copies the template file, PostgreSQL empties a working schema and
copies the template schema's rows into it (sequences included). Both schemas are fresh for
the session and dropped at its end, so parallel runs on one server do not collide.
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
from divert.model.case import Charge
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
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# Invented cases: (id, person, filing date, charges as (wording, citation, grade, drug)).
# Every person is an adult of 30: the proposal leaves a juvenile, or an unknown age, out.
CASES = (
    ("T-POSS", "p-1", date(2026, 7, 1), (("Int Poss Contr Subst By Per Not Reg",
                                          "35 § 780-113 §§ A16", "M", "heroin"),)),
    ("T-PWID", "p-2", date(2026, 7, 1), (("Manufacture, Delivery, or Possession With Intent "
                                          "to Manufacture or Deliver", "35 § 780-113 §§ A30",
                                          "F", None),)),
    ("T-PARA", "p-3", date(2026, 6, 30), (("Use/Poss Of Drug Paraph", "35 § 780-113 §§ A32",
                                           "M", "heroin"),)),
)
AGE = 30
ORIGIN = "http://testserver"  # the TestClient's own base URL


@dataclass
class Env:
    """One test's service: the app, its client, the clock, and a login helper by role."""

    client: TestClient
    clock: FixedClock
    secrets: dict[str, str]
    usernames: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    used_steps: dict[str, int] = field(default_factory=dict)

    def code(self, username: str) -> str:
        """A one-time code the account has not used yet: a code works once, so a second
        login in the same 30-second step waits (moves the clock) for the next one."""
        step = int(self.clock.now().timestamp()) // 30
        if self.used_steps.get(username) == step:
            self.clock.advance(seconds=30)
            step += 1
        self.used_steps[username] = step
        return totp_code(self.secrets[username], self.clock.now())

    def login(self, username: str, password: str = PASSWORD, code: str | None = None) -> Any:
        code = code or self.code(username)
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
                             charges=[Charge(w, c, g, d) for w, c, g, d in charges], age=AGE,
                             at=now)
            screen_and_store(db, SETUP, case_id, policy, now)
    engine.dispose()
    return secrets


def _pg(postgres_url: str) -> sa.URL:
    return make_url(postgres_url).set(drivername="postgresql+psycopg")


def schema_url(postgres_url: str, schema: str) -> str:
    """The server's URL with `schema` first on the search path: the app sees only it."""
    return _pg(postgres_url).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@dataclass
class PgCopy:
    """A seeded template schema and a working schema the tests use, on one server."""

    admin: sa.Engine
    template: str
    work: str
    serials: list[tuple[str, str]]  # (table, column) backed by a sequence

    def reset(self) -> None:
        """Make the working schema an exact copy of the template, in one transaction."""
        tables = Base.metadata.sorted_tables
        with self.admin.begin() as conn:
            conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))  # a leak fails, not hangs
            for t in reversed(tables):  # DELETE: far cheaper than TRUNCATE on tiny tables
                conn.execute(sa.text(f'DELETE FROM "{self.work}"."{t.name}"'))
            for t in tables:
                cols = ", ".join(f'"{c.name}"' for c in t.columns)
                conn.execute(sa.text(f'INSERT INTO "{self.work}"."{t.name}" ({cols}) '
                                     f'SELECT {cols} FROM "{self.template}"."{t.name}"'))
            for table, col in self.serials:
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{self.work}\".\"{table}\"', "
                    f"'{col}'), COALESCE((SELECT MAX(\"{col}\") FROM "
                    f"\"{self.work}\".\"{table}\"), 0) + 1, false)"))


@dataclass
class Template:
    """One backend's seeded store for the session, and how a test gets a fresh copy."""

    backend: str
    secrets: dict[str, str]
    path: Path | None = None  # SQLite: the template file
    pg: PgCopy | None = None
    url: str = ""  # PostgreSQL: the working schema's URL

    def fresh(self, tmp_path: Path) -> str:
        if self.path is not None:
            target = tmp_path / "divert.sqlite"
            shutil.copy(self.path, target)
            return f"sqlite:///{target}"
        assert self.pg is not None
        self.pg.reset()
        return self.url


def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("template") / "divert.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    return Template("sqlite", _seed(url), path=path)


def _create_schema(admin: sa.Engine, prefix: str) -> str:
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    return schema


def _drop_schema(admin: sa.Engine, schema: str) -> None:
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _pg_template(postgres_url: str) -> Iterator[Template]:
    admin = sa.create_engine(_pg(postgres_url))
    schemas: list[str] = []
    try:
        template = _create_schema(admin, "divert_service_tmpl")
        schemas.append(template)
        work = _create_schema(admin, "divert_service")
        schemas.append(work)
        upgrade(schema_url(postgres_url, template))
        upgrade(schema_url(postgres_url, work))
        secrets = _seed(schema_url(postgres_url, template))
        with admin.connect() as conn:
            serials = [(t, c) for t, c in conn.execute(sa.text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = :s AND (column_default LIKE 'nextval(%' "
                "OR is_identity = 'YES')"), {"s": work})]
        yield Template("postgresql", secrets, pg=PgCopy(admin, template, work, serials),
                       url=schema_url(postgres_url, work))
    finally:
        for schema in schemas:
            _drop_schema(admin, schema)
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def template_db(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """The seeded store on each backend, built once per session."""
    if request.param == "sqlite":
        yield _sqlite_template(tmp_path_factory)
    else:
        yield from _pg_template(request.getfixturevalue("postgres_url"))


@pytest.fixture
def db_url(template_db: Template, tmp_path: Path) -> str:
    """A fresh copy of the seeded store for this test."""
    return template_db.fresh(tmp_path)


@pytest.fixture(params=BACKENDS)
def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (never migrated) for commands that build their own: a new SQLite
    file, or a new PostgreSQL schema dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite'}"
        return
    postgres_url: str = request.getfixturevalue("postgres_url")
    admin = sa.create_engine(_pg(postgres_url))
    schema = _create_schema(admin, "divert_service_blank")
    try:
        yield schema_url(postgres_url, schema)
    finally:
        _drop_schema(admin, schema)
        admin.dispose()


def _make_env(url: str, secrets: dict[str, str]) -> Iterator[Env]:
    clock = FixedClock(START)
    app = create_app(Settings(database_url=url), clock=clock)
    usernames = {role: f"u-{role}" for role in ROLES}
    # A browser sends its page's Origin with every form POST (csrf.py refuses one without)
    with TestClient(app, headers={"Origin": ORIGIN}) as client:
        yield Env(client, clock, dict(secrets), usernames)
    app.state.engine.dispose()


@pytest.fixture
def env(db_url: str, template_db: Template) -> Iterator[Env]:
    yield from _make_env(db_url, template_db.secrets)


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The one error body (style.md "Errors"), with the status it claims."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    # `code` and `detail` (for programs) appear only on refusals that have them
    assert {"ok", "error", "errors", "status"} <= set(body) <= {
        "ok", "error", "errors", "status", "code", "detail"}
    assert body["ok"] is False and body["status"] == status
    assert body["error"] and all(set(e) == {"loc", "msg"} and e["msg"] for e in body["errors"])
    return body
