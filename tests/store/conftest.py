"""A migrated case store on each database: SQLite always, PostgreSQL when configured.

The schema is built by the migrations (never create_all), once per database per test
session; PostgreSQL gets a fresh schema of its own, dropped at the end, so parallel runs and
other suites on the same server do not collide. Each test starts from empty tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from divert.store import db
from divert.store.tables import Base

from .kit import pg_schema_url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("store") / "divert.sqlite"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_url(postgres_url: str) -> Iterator[str]:
    schema = f"divert_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(db._normalize(postgres_url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = pg_schema_url(postgres_url, schema)
    try:
        db.upgrade(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = db.make_engine(db_url)
    with engine.begin() as conn:  # every test starts from empty tables
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    yield db.make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s

