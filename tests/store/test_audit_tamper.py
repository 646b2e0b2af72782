"""The audit log holds without trusting the database (red-team finding 10): with the key
kept outside it and heads recorded outside it, every kind of tamper by someone who can write
the database is found — edit, delete, insert, tail truncation, a rewritten chain, a forged
appended row — on SQLite and PostgreSQL. The short campaign here is the CI form of
benchmarks/audit_tamper.py (figures in docs/reliability.md).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from divert.store import anchor, audit, db
from divert.store.tables import AuditRow

from .kit import ADA, AT, COORD

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
ALWAYS_FOUND = ("edit", "delete", "insert", "truncate tail", "rewrite chain",
                "rewrite chain, marks stripped", "forge appended row")


def load_campaign() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_tamper", BENCHMARKS / "audit_tamper.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_every_kind_of_tamper_is_found_with_the_key_and_recorded_heads(
    db_url: str, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    tallies = load_campaign().campaign(db_url, trials=3, work=tmp_path)
    for kind in ALWAYS_FOUND:
        assert tallies[kind].detected == tallies[kind].trials == 3, kind
    # what the red team found: the hash chain alone missed these
    for kind in ("truncate tail", "rewrite chain", "forge appended row"):
        assert tallies[kind].detected_before == 0, kind


@pytest.fixture
def keyed(db_url: str, factory: sessionmaker[Session], tmp_path: Path
          ) -> Iterator[sessionmaker[Session]]:
    key = anchor.generate_key(tmp_path / "audit.key")
    engine = db.make_engine(db_url)
    yield db.make_sessionmaker(engine, audit_key_file=key,
                               audit_heads_file=tmp_path / "heads.jsonl")
    engine.dispose()


def write(s: Session, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        audit.append(s, ADA if i % 2 else COORD, "read", f"cases/C-{i}", person_id=f"P-{i}",
                     at=AT)
    s.commit()


def test_verify_checks_the_recorded_head_by_default(keyed: sessionmaker[Session]) -> None:
    with keyed() as s:
        write(s, 6)
        head = audit.record_head(s, "backup")
        assert head is not None and head.seq == 6
        write(s, 2, start=6)
        result = audit.verify(s)
        assert result.ok and result.keyed and result.heads_checked == 1
        s.execute(AuditRow.__table__.delete().where(AuditRow.seq > 4))
        s.commit()
        problems = audit.verify(s).problems
    assert any("entries 5..6 were cut off its end" in p for p in problems), problems


def test_entries_from_before_the_key_still_verify_and_later_ones_must_be_marked(
    keyed: sessionmaker[Session]
) -> None:
    unkeyed = sessionmaker(keyed.kw["bind"], expire_on_commit=False)
    with unkeyed() as s:
        write(s, 3)  # written before any key existed: no marks
    with keyed() as s:
        write(s, 2, start=3)
        result = audit.verify(s)
        assert result.ok and result.unmarked == 3, result.problems
        assert any("entries 1..3 were written before the audit key" in n for n in result.notes)
    with unkeyed() as s:
        write(s, 1, start=5)  # a writer without the key, after keyed entries
    with keyed() as s:
        problems = audit.verify(s).problems
    assert problems == ("entry 6: has no audit-key mark although entry 4 before it has one "
                        "(written without the key: inserted or forged)",)


def test_an_edited_heads_line_is_reported(keyed: sessionmaker[Session], tmp_path: Path) -> None:
    with keyed() as s:
        write(s, 3)
        audit.record_head(s, "schedule")
    heads = tmp_path / "heads.jsonl"
    line = json.loads(heads.read_text())
    line["seq"] = 2  # hide a later truncation by moving the head back
    heads.write_text(json.dumps(line) + "\n")
    with keyed() as s:
        result = audit.verify(s)
    assert not result.ok
    assert "was written or edited without the key" in result.problems[0]


def test_a_wrong_mark_is_found(keyed: sessionmaker[Session]) -> None:
    with keyed() as s:
        write(s, 3)
        s.execute(update(AuditRow).where(AuditRow.seq == 2).values(mac="0" * 64))
        s.commit()
        assert audit.verify(s).problems == (
            "entry 2: its audit-key mark is wrong (written or rewritten without the key)",)


def test_a_missing_or_malformed_key_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(anchor.AuditKeyError, match="cannot read the audit key"):
        anchor.load_key(tmp_path / "nope.key")
    bad = tmp_path / "bad.key"
    bad.write_text("not hex at all")
    with pytest.raises(anchor.AuditKeyError, match="must be 64 hex digits"):
        anchor.load_key(bad)
    key = anchor.generate_key(tmp_path / "k")
    with pytest.raises(FileExistsError):
        anchor.generate_key(key)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
