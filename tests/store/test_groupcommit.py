"""Group commit of audit entries (store/groupcommit.py): entries of many concurrent callers,
and of several "processes" (engines) at once, make one chain that verifies with the key;
each caller's entries are committed (seen from another connection) when its call returns;
a read that fails writes no entry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from divert.cases.access import Actor
from divert.store import anchor, audit, db
from divert.store.groupcommit import AuditGroup, deferred
from divert.store.tables import AuditRow

WHEN = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)


def _item(n: int, who: str) -> tuple[Actor, audit.Entry, datetime]:
    return (Actor(who, "charging_ada", "test"),
            audit.Entry("read", f"cases/C-{n}", f"p-{n}", {"n": n}), WHEN)


def _count(url: str) -> int:
    engine = db.make_engine(url)  # another connection: only committed rows are seen
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.count()).select_from(AuditRow)) or 0)
    finally:
        engine.dispose()


def test_concurrent_callers_and_processes_make_one_keyed_chain(
        factory: sessionmaker[Session], db_url: str, tmp_path: Path) -> None:
    key = anchor.generate_key(tmp_path / "audit.key")
    engines = [db.make_engine(db_url) for _ in range(2)]  # two workers, one database
    groups = [AuditGroup(db.make_sessionmaker(e, audit_key_file=key)) for e in engines]
    seen_after: list[int] = []
    errors: list[BaseException] = []

    def caller(n: int) -> None:
        try:
            groups[n % 2].commit([_item(n, f"u{n}"), _item(n + 100, f"u{n}")])
            seen_after.append(_count(db_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert errors == []
    assert min(seen_after) >= 2  # each caller's own entries were durable when it returned
    with db.make_sessionmaker(factory.kw["bind"], audit_key_file=key)() as s:
        result = audit.verify(s, heads=[])
    assert result.ok, result.problems
    assert result.entries == 24 and result.keyed and result.unmarked == 0
    assert sum(g.commits for g in groups) <= 12


def test_a_deferred_read_writes_its_entry_once_and_a_failed_one_none(
        factory: sessionmaker[Session], db_url: str) -> None:
    group = AuditGroup(factory)
    actor = Actor("u-ada", "charging_ada", "test")
    with factory() as s:
        with deferred(s, group):
            audit.audit_read(s, actor, "cases/C-1", "p-1")
            assert _count(db_url) == 0  # collected, not yet written
        assert _count(db_url) == 1
        with pytest.raises(LookupError), deferred(s, group):
            audit.audit_read(s, actor, "cases/C-2", "p-2")
            raise LookupError("the read failed after its entry was made")
    assert _count(db_url) == 1
    with factory() as s:
        rows = s.scalars(sa.select(AuditRow)).all()
        assert [(r.action, r.resource, r.person_id) for r in rows] == [
            ("read", "cases/C-1", "p-1")]
        assert audit.verify(s, heads=[]).ok
