"""The backup drill (issue item 5): back up a live store, keep writing, restore into a fresh
database, and every table's row count and checksum equals the backup's and the audit chain
verifies against the head recorded at backup — on SQLite (online backup API) and PostgreSQL
(pg_dump / pg_restore). A backup altered afterwards is refused by name."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from divert.store import anchor, audit, backup, db, repo

from .kit import ADA, decision, filed


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return anchor.generate_key(tmp_path / "audit.key"), tmp_path / "heads.jsonl"


@pytest.fixture
def keyed(db_url: str, factory: sessionmaker[Session], keys: tuple[Path, Path]
          ) -> Iterator[sessionmaker[Session]]:
    engine = db.make_engine(db_url)
    yield db.make_sessionmaker(engine, audit_key_file=keys[0], audit_heads_file=keys[1])
    engine.dispose()


@pytest.fixture
def fresh_target(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind: a new SQLite file, or a new PostgreSQL database
    (same server, same schema name on the search path), dropped afterwards."""
    parsed = sa.engine.make_url(db._normalize(db_url))
    if parsed.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"divert_drill_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(parsed.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def populate(factory: sessionmaker[Session], start: int, n: int) -> None:
    for i in range(start, start + n):
        with factory() as s:
            filed(s, case_id=f"C-{i}", person_id=f"P-{i % 4}")
            repo.record_screening(s, ADA, f"C-{i}", decision(f"C-{i}"))


def count(url: str, table: str) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_restore_drill_matches_every_table_and_the_recorded_head(
    db_url: str, keyed: sessionmaker[Session], keys: tuple[Path, Path], fresh_target: str,
    tmp_path: Path,
) -> None:
    populate(keyed, 0, 12)
    manifest = backup.backup(db_url, tmp_path / "bk", *keys)
    populate(keyed, 12, 3)  # written after the backup: not in it, and the live log still ok
    assert manifest["tables"]["cases"]["rows"] == 12
    assert manifest["tables"]["audit_log"]["rows"] == manifest["audit_head"]["seq"] > 12
    recorded, problems = anchor.read_heads(keys[1], anchor.database_label(db_url),
                                           anchor.load_key(keys[0]))
    assert problems == [] and [(h.seq, h.reason) for h in recorded] == [
        (manifest["audit_head"]["seq"], "backup")]

    check = backup.restore(tmp_path / "bk", fresh_target, *keys)
    assert check.mismatches == () and check.audit.ok, (check.mismatches, check.audit.problems)
    assert check.audit.keyed and check.audit.heads_checked >= 1
    assert check.audit.head == manifest["audit_head"]["hash"]
    assert count(fresh_target, "cases") == 12 and count(db_url, "cases") == 15
    with keyed() as s:  # the live store verifies against the head its backup recorded
        live = audit.verify(s)
    assert live.ok and live.heads_checked == 1
    with pytest.raises(backup.BackupError, match="restore into"):
        backup.restore(tmp_path / "bk", fresh_target, *keys)  # never over a live database


def test_a_backup_altered_after_the_fact_is_refused_by_table(
    keys: tuple[Path, Path], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    populate(db.make_sessionmaker(engine, audit_key_file=keys[0], audit_heads_file=keys[1]),
             0, 4)
    engine.dispose()
    backup.backup(url, tmp_path / "bk", *keys)
    with sqlite3.connect(tmp_path / "bk" / backup.SQLITE_FILE) as conn:
        conn.execute("UPDATE cases SET state = 'completed' WHERE id = 'C-1'")
        conn.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    conn.close()
    check = backup.restore(tmp_path / "bk", f"sqlite:///{tmp_path / 'r.sqlite'}", *keys)
    assert not check.ok
    assert "table cases: same 4 rows but different content (checksum differs)" in \
        check.mismatches
    assert any(m.startswith("table audit_log: ") for m in check.mismatches)
    assert any("were cut off its end" in p for p in check.audit.problems)
