"""The migrations build the schema tables.py describes, and can be undone and redone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from divert.store import db
from divert.store.tables import Base

from .kit import pg_schema_url

TABLES = {"people", "cases", "charges", "case_events", "screenings", "providers", "referrals",
          "consents", "engagement_reports", "users", "sessions", "idempotency_keys",
          "audit_log", "what_if_screenings", "sealings", "bail_recommendations"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it (a fresh file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    schema = f"divert_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(db._normalize(base))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def head_revision() -> str:
    """The newest migration, read from the script directory (never written into a test)."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head())


def tables(url: str) -> set[str]:
    engine = db.make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_the_table_list_is_the_one_the_issue_names() -> None:
    assert set(Base.metadata.tables) == TABLES


def test_upgrade_builds_every_table_with_no_drift_from_the_models(empty_url: str) -> None:
    db.upgrade(empty_url)
    assert tables(empty_url) == TABLES
    assert db.drift(empty_url) == []
    assert db.current_revision(empty_url) == head_revision()


def test_drift_is_detected_when_the_models_change(empty_url: str) -> None:
    db.upgrade(empty_url)
    extra = sa.Column("nickname", sa.String(40))
    Base.metadata.tables["people"].append_column(extra)
    try:
        diff = db.drift(empty_url)
    finally:
        Base.metadata.tables["people"]._columns.remove(extra)
    assert [d[0] for d in diff] == ["add_column"]
    assert db.drift(empty_url) == []


def test_downgrade_removes_everything_and_upgrade_rebuilds_it(empty_url: str) -> None:
    db.upgrade(empty_url)
    db.downgrade(empty_url)
    assert tables(empty_url) == set()
    assert db.current_revision(empty_url) is None
    db.upgrade(empty_url)
    assert tables(empty_url) == TABLES


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_one_setting_selects_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIVERT_DATABASE_URL", raising=False)
    assert db.database_url() == "sqlite:///var/divert.sqlite"
    monkeypatch.setenv("DIVERT_DATABASE_URL", "postgresql://u@h/d")
    assert db.database_url() == "postgresql://u@h/d"
    assert db._normalize(db.database_url()).startswith("postgresql+psycopg://")
