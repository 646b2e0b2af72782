"""The audit log: who, when, from where, what and with what outcome, hash-chained.

Each row stores the previous row's hash and its own sha256 over the canonical JSON of its
fields (seq included), so `verify` detects an edited, deleted or reordered entry. Entries are
appended inside the caller's transaction: a business write and its audit entry commit
together or not at all. Reads of a person's record are audited too (`audit_read`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.store.tables import AuditRow
from divert.store.unit import unit_of_work
from divert.store.views import Page

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x6469_7665  # "dive": serializes chain appends on PostgreSQL


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept; the form that is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _content(row: AuditRow) -> dict[str, Any]:
    return {
        "seq": row.seq, "at": row.at, "actor": row.actor, "role": row.role,
        "source": row.source, "action": row.action, "resource": row.resource,
        "person_id": row.person_id, "outcome": row.outcome, "detail": row.detail,
        "prev_hash": row.prev_hash,
    }


def entry_hash(row: AuditRow) -> str:
    """The sha256 a row must carry, computed from its content and its predecessor's hash."""
    return hashlib.sha256(canonical(_content(row)).encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    # SQLite: every transaction already holds the write lock (BEGIN IMMEDIATE, store/db.py).


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry for `append_many`: what was done to which resource, about whom."""

    action: str
    resource: str
    person_id: str | None = None
    detail: dict[str, Any] | None = None
    outcome: str = "ok"


def append_many(
    session: Session, actor: Actor, entries: list[Entry], at: datetime | None = None
) -> None:
    """Append many entries at once (bulk import), chained exactly as `append` would chain them."""
    if not entries:
        return
    _lock_chain(session)
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    rows: list[dict[str, Any]] = []
    for e in entries:
        seq += 1
        row = AuditRow(seq=seq, at=when, actor=actor.username, role=actor.role,
                       source=actor.source, action=e.action, resource=e.resource,
                       person_id=e.person_id, outcome=e.outcome, detail=canonical(e.detail or {}),
                       prev_hash=prev)
        prev = entry_hash(row)
        rows.append(_content(row) | {"hash": prev})
    session.execute(insert(AuditRow), rows)


def append(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    *,
    person_id: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditRow:
    """Append one entry to the chain in the caller's transaction (flushed, not committed)."""
    _lock_chain(session)
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    when = (at or datetime.now(UTC)).astimezone(UTC)
    row = AuditRow(
        seq=(last.seq + 1) if last else 1,
        at=when.isoformat(timespec="microseconds"),
        actor=actor.username, role=actor.role, source=actor.source,
        action=action, resource=resource, person_id=person_id, outcome=outcome,
        detail=canonical(detail or {}),
        prev_hash=last.hash if last else GENESIS,
    )
    row.hash = entry_hash(row)
    session.add(row)
    session.flush()
    return row


def audit_read(
    session: Session, actor: Actor, resource: str, person_id: str | None, **detail: Any
) -> AuditRow:
    """Record that `actor` read a person's record (every read of a person is audited)."""
    return append(session, actor, "read", resource, person_id=person_id, detail=detail)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What `verify` found: ok, how many entries, the head hash, and every problem by seq."""

    ok: bool
    entries: int
    head: str
    problems: tuple[str, ...]


def verify(session: Session, anchors: Sequence[str] = ()) -> VerifyResult:
    """Walk the chain in seq order and report every edited, deleted or reordered entry.

    The chain alone cannot show that entries were cut off its end; `anchors` are head
    hashes an operator recorded earlier (printed by `divert audit verify`), each of which
    must still be in the chain.
    """
    problems: list[str] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    seen: set[str] = set()
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        count += 1
        seen.add(row.hash)
        if row.seq != expected_seq:
            problems.append(
                f"entry {row.seq}: expected entry {expected_seq} here — "
                f"entries {expected_seq}..{row.seq - 1} were deleted"
            )
        if row.prev_hash != prev_hash:
            problems.append(
                f"entry {row.seq}: does not follow the entry before it "
                "(an entry was deleted, inserted or moved)"
            )
        if entry_hash(row) != row.hash:
            problems.append(f"entry {row.seq}: content does not match its hash (edited)")
        prev_hash, expected_seq = row.hash, row.seq + 1
    problems += [f"recorded head {a} is no longer in the log (entries were removed from its end)"
                 for a in anchors if a not in seen]
    return VerifyResult(not problems, count, prev_hash, tuple(problems))


def read_log(
    session: Session, actor: Actor, *, person_id: str | None = None, limit: int = 100,
    after_seq: int = 0,
) -> list[dict[str, Any]]:
    """Entries for the auditor (the service checks the role); the read is itself audited."""
    query = select(AuditRow).where(AuditRow.seq > after_seq).order_by(AuditRow.seq).limit(limit)
    if person_id is not None:
        query = query.where(AuditRow.person_id == person_id)
    rows = [_content(r) | {"hash": r.hash} for r in session.scalars(query)]
    append(session, actor, "read", "audit_log", person_id=person_id,
           detail={"after_seq": after_seq, "returned": len(rows)})
    return rows


@unit_of_work
def read_page(
    session: Session, actor: Actor, *, person_id: str | None = None, page: int = 1,
    page_size: int = 100, at: datetime | None = None,
) -> Page[dict[str, Any]]:
    """One page of entries in seq order (optionally one person's), with the total, for the
    auditor's screen (the service checks the role). The read is audited and committed; the
    total counts the entries as they were before this read was recorded."""
    where = [] if person_id is None else [AuditRow.person_id == person_id]
    total = session.scalar(select(func.count()).select_from(AuditRow).where(*where)) or 0
    query = (select(AuditRow).where(*where).order_by(AuditRow.seq)
             .offset((max(page, 1) - 1) * page_size).limit(page_size))
    rows = tuple(_content(r) | {"hash": r.hash} for r in session.scalars(query))
    append(session, actor, "read", "audit_log", person_id=person_id,
           detail={"page": page, "returned": len(rows)}, at=at)
    return Page(rows, page, page_size, int(total))
