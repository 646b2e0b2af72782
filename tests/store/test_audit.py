"""The audit log is append-only and hash-chained: any edit, deletion or reordering shows."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from divert.store import audit
from divert.store.tables import AuditRow

from .kit import ADA, AT, COORD


@pytest.fixture
def logged(session: Session) -> Session:
    for i in range(5):
        audit.append(session, ADA if i % 2 else COORD, "read", f"cases/C-{i}",
                     person_id=f"P-{i}", detail={"i": i}, at=AT)
    session.commit()
    return session


def tamper(session: Session, statement: object) -> list[str]:
    session.execute(statement)  # type: ignore[call-overload]
    session.commit()
    result = audit.verify(session)
    assert not result.ok
    return list(result.problems)


def test_an_untouched_chain_verifies(logged: Session) -> None:
    result = audit.verify(logged)
    assert (result.ok, result.entries, result.problems) == (True, 5, ())
    head = logged.scalars(select(AuditRow.hash).order_by(AuditRow.seq.desc())).first()
    assert result.head == head


def test_each_entry_links_to_the_one_before(logged: Session) -> None:
    rows = logged.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))


def test_an_edited_entry_is_found(logged: Session) -> None:
    problems = tamper(logged, update(AuditRow).where(AuditRow.seq == 3).values(actor="nobody"))
    assert problems == ["entry 3: content does not match its hash (edited)"]


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link(logged: Session) -> None:
    row = logged.get(AuditRow, 2)
    assert row is not None
    row.outcome = "denied"
    row.hash = audit.entry_hash(row)
    logged.commit()
    problems = audit.verify(logged).problems
    assert problems == ("entry 3: does not follow the entry before it "
                        "(an entry was deleted, inserted or moved)",)


def test_a_deleted_entry_is_found(logged: Session) -> None:
    problems = tamper(logged, delete(AuditRow).where(AuditRow.seq == 2))
    assert problems[0] == "entry 3: expected entry 2 here — entries 2..2 were deleted"
    assert "entry 3: does not follow the entry before it" in problems[1]


def test_reordered_entries_are_found(logged: Session) -> None:
    logged.execute(update(AuditRow).where(AuditRow.seq == 2).values(seq=-2))
    logged.execute(update(AuditRow).where(AuditRow.seq == 3).values(seq=2))
    problems = tamper(logged, update(AuditRow).where(AuditRow.seq == -2).values(seq=3))
    assert any(p.startswith("entry 2: content does not match") for p in problems)
    assert any(p.startswith("entry 3: content does not match") for p in problems)


def test_the_auditors_read_is_itself_audited(logged: Session) -> None:
    auditor = ADA.__class__("aud", "auditor", "127.0.0.1")
    rows = audit.read_page(logged, auditor, page_size=3).items
    assert [r["seq"] for r in rows] == [1, 2, 3]
    last = logged.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None and (last.actor, last.resource) == ("aud", "audit_log")
    assert audit.verify(logged).ok


def test_entries_cut_off_the_end_are_found_with_a_recorded_head(logged: Session) -> None:
    recorded = audit.verify(logged).head
    audit.append(logged, ADA, "read", "cases/C-9", at=AT)
    logged.commit()
    assert audit.verify(logged, [recorded]).ok  # the log grew: the old head is still there
    logged.execute(delete(AuditRow).where(AuditRow.seq >= 5))
    logged.commit()
    result = audit.verify(logged, [recorded])
    assert audit.verify(logged).ok  # the chain alone cannot see a cut end…
    assert result.problems == (  # …the recorded head can
        f"recorded head {recorded} is no longer in the log (entries were removed from its end)",)
