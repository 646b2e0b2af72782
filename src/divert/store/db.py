"""Engine, sessions and migrations: one setting (DIVERT_DATABASE_URL) selects the database.

SQLite is the embedded default, in WAL mode with foreign keys on, a busy timeout, and every
transaction started with BEGIN IMMEDIATE so concurrent writers queue instead of failing
half-way. PostgreSQL (psycopg) is for a real office. Alembic runs from code, so no
alembic.ini is needed anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from divert.settings import DEFAULT_DATABASE_URL, common

DEFAULT_URL = DEFAULT_DATABASE_URL
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Set by `reading()`: SQLite transactions begun meanwhile are plain (deferred) BEGINs.
_READING: ContextVar[bool] = ContextVar("divert_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they start with a deferred BEGIN, so
    they neither take nor wait for the single write lock (WAL readers see the last commit).
    Writing inside one may fail with "database is locked" instead of queueing: only pure
    reads belong here. No effect on PostgreSQL, whose readers never block."""
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


def database_url() -> str:
    """The configured database: DIVERT_DATABASE_URL, else the embedded SQLite file."""
    return common().database_url


def _normalize(url: str) -> str:
    """Use psycopg (v3) for plain postgresql:// URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An Engine for `url` (default: database_url()), with SQLite made safe for concurrency."""
    url = _normalize(url or database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives a crash
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if _READING.get() else "BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(
    engine: Engine, *, audit_key_file: str | Path | None = None,
    audit_heads_file: str | Path | None = None,
) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (the repo returns plain values anyway),
    each carrying the audit key and where this database's heads are recorded (store/anchor.py;
    defaults from DIVERT_AUDIT_KEY_FILE and DIVERT_AUDIT_HEADS_FILE)."""
    from divert.store import anchor

    key = anchor.load_key(anchor.key_file(audit_key_file))
    label = anchor.database_label(engine.url.render_as_string(hide_password=False))
    info = {anchor.KEY_INFO: key,
            anchor.HEADS_INFO: (anchor.heads_file(audit_heads_file), label)}
    return sessionmaker(engine, expire_on_commit=False, info=info)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (a write and its audit
    entry therefore commit together or not at all)."""
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str) -> Any:
    """A programmatic Alembic Config pointing at divert's migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["url"] = _normalize(url)
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(url or database_url()), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Take the database at `url` down to `revision` (default: empty)."""
    from alembic import command

    command.downgrade(alembic_config(url or database_url()), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None if it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def drift(url: str | None = None) -> list[Any]:
    """Differences between tables.py and the migrated database (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from divert.store.tables import Base

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, Base.metadata))
    finally:
        engine.dispose()
