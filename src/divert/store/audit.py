"""The audit log: who, when, from where, what and with what outcome, hash-chained.

Each row stores the previous row's hash and its own sha256 over the canonical JSON of its
fields (seq included), so `verify` detects an edited, deleted or reordered entry. Entries are
appended inside the caller's transaction: a business write and its audit entry commit
together or not at all. Reads of a person's record are audited too (`audit_read`).

A hash chain alone is trusted only as far as the database is: whoever can write it can cut
entries off the end or recompute every hash. So (store/anchor.py) each entry also carries an
HMAC of its hash under a key kept outside the database, and heads recorded outside it are
checked by default. The session carries both (`session.info`, set by db.make_sessionmaker).
Entries written before a key was configured have no mark; they are reported, and any entry
without a mark after one that has it is a problem (it was written without the key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.store import anchor
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


def _key(session: Session) -> bytes | None:
    key: bytes | None = session.info.get(anchor.KEY_INFO)
    return key


def entry_mark(key: bytes, entry_hash_hex: str) -> str:
    """The key's mark on an entry: HMAC-SHA256 over its hash (which covers its content, its
    seq and its predecessor's hash)."""
    return anchor.mark(key, entry_hash_hex)


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
    when = at or datetime.now(UTC)
    append_each(session, [(actor, e, when) for e in entries])


def append_each(session: Session, items: Sequence[tuple[Actor, Entry, datetime]]) -> None:
    """Append entries of several actors at once, in order, chained exactly as `append` would
    chain them one by one; the chain's head is read under the chain lock, inside the caller's
    transaction, so several processes appending at once still make one chain."""
    if not items:
        return
    _lock_chain(session)
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    key = _key(session)
    rows: list[dict[str, Any]] = []
    for actor, e, at in items:
        seq += 1
        # exactly _content(row) of the row `append` would make, without building ORM rows
        # (a bulk import writes two entries per case)
        content = {
            "seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor.username, "role": actor.role, "source": actor.source,
            "action": e.action, "resource": e.resource, "person_id": e.person_id,
            "outcome": e.outcome, "detail": canonical(e.detail or {}), "prev_hash": prev,
        }
        prev = hashlib.sha256(canonical(content).encode()).hexdigest()
        rows.append(content | {"hash": prev, "mac": entry_mark(key, prev) if key else None})
    table: Table = AuditRow.__table__  # type: ignore[assignment]
    session.execute(insert(table), rows)  # Core: no ORM bookkeeping per row


# session.info key: while set (a list), `append` collects entries there instead of writing
# them, for a group commit to write after the reads are done (store/groupcommit.py).
DEFER_INFO = "divert.audit_deferred"


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
    """Append one entry to the chain in the caller's transaction (flushed, not committed).

    Inside `groupcommit.deferred(session)` the entry is collected instead (and written,
    durably, by the group commit before the answer goes out); the row returned then has no
    seq or hash yet."""
    deferred: list[tuple[Actor, Entry, datetime]] | None = session.info.get(DEFER_INFO)
    if deferred is not None:
        when = (at or datetime.now(UTC)).astimezone(UTC)
        deferred.append((actor, Entry(action, resource, person_id, detail, outcome), when))
        return AuditRow(at=when.isoformat(timespec="microseconds"), actor=actor.username,
                        role=actor.role, source=actor.source, action=action,
                        resource=resource, person_id=person_id, outcome=outcome,
                        detail=canonical(detail or {}))
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
    key = _key(session)
    row.mac = entry_mark(key, row.hash) if key else None
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
    """What `verify` found: ok, how many entries, the head hash, every problem by seq, and how
    far it could look (keyed or not, how many recorded heads it checked)."""

    ok: bool
    entries: int
    head: str
    problems: tuple[str, ...]
    keyed: bool = False
    unmarked: int = 0  # entries written before the key was configured
    heads_checked: int = 0
    notes: tuple[str, ...] = ()

    @property
    def head_seq(self) -> int:
        return self.entries


def recorded_heads(session: Session) -> tuple[list[anchor.Head], list[str]]:
    """This database's heads from the heads file the session was configured with."""
    where = session.info.get(anchor.HEADS_INFO)
    if where is None:
        return [], []
    path, label = where
    return anchor.read_heads(path, label, _key(session))


def verify(
    session: Session, anchors: Sequence[str] = (), heads: Sequence[anchor.Head] | None = None
) -> VerifyResult:
    """Walk the chain in seq order and report every edited, deleted, reordered, inserted or
    forged entry, and every recorded head no longer in the log.

    `heads` defaults to the heads recorded for this database (store/anchor.py): a head whose
    entry is gone means entries were cut off the end; one whose entry has another hash means
    the chain was rewritten. `anchors` are bare head hashes an operator noted (`--head`).
    With the audit key, an entry whose mark is missing or wrong was written without the key.
    """
    key = _key(session)
    problems: list[str] = []
    notes: list[str] = []
    if heads is None:
        heads, head_problems = recorded_heads(session)
        problems += head_problems
    wanted = {h.seq for h in heads}
    keyed_from = min((h.first_marked for h in heads if h.first_marked is not None),
                     default=None)
    found_at: dict[int, str] = {}
    prev_hash, expected_seq, count = GENESIS, 1, 0
    unmarked, first_marked = 0, 0
    seen: set[str] = set()
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        count += 1
        if anchors:
            seen.add(row.hash)
        if row.seq in wanted:
            found_at[row.seq] = row.hash
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
        if key is not None:
            if row.mac is None:
                if keyed_from is not None and row.seq >= keyed_from and not first_marked:
                    problems.append(
                        f"entry {row.seq}: has no audit-key mark although a recorded head "
                        f"says the log carries marks from entry {keyed_from} (marks were "
                        "stripped or the entry forged)")
                elif first_marked:
                    problems.append(
                        f"entry {row.seq}: has no audit-key mark although entry "
                        f"{first_marked} before it has one (written without the key: "
                        "inserted or forged)")
                else:
                    unmarked += 1
            elif not anchor.same(row.mac, entry_mark(key, row.hash)):
                problems.append(f"entry {row.seq}: its audit-key mark is wrong (written or "
                                "rewritten without the key)")
                first_marked = first_marked or row.seq
            else:
                first_marked = first_marked or row.seq
        prev_hash, expected_seq = row.hash, row.seq + 1
    problems += [f"recorded head {a} is no longer in the log (entries were removed from its end)"
                 for a in anchors if a not in seen]
    last = expected_seq - 1
    for head in heads:
        if head.seq > last:
            problems.append(
                f"recorded head of {head.recorded_at} ({head.reason}) is entry {head.seq}, "
                f"but the log ends at entry {last}: entries {last + 1}..{head.seq} were "
                "cut off its end")
        elif found_at.get(head.seq) != head.hash:
            problems.append(
                f"entry {head.seq} is not the entry recorded as the head on "
                f"{head.recorded_at} ({head.reason}): the chain was rewritten")
    if key is None:
        notes.append("no audit key is configured: entries are checked by hash only, which "
                     "whoever can write the database can recompute (see `divert audit keygen`)")
    elif unmarked:
        notes.append(f"entries 1..{unmarked} were written before the audit key was configured "
                     "and are checked by hash and recorded heads only")
    if not heads and not anchors:
        notes.append("no head of this log has been recorded yet: entries cut off its end "
                     "cannot be seen (`divert audit record-head`)")
    return VerifyResult(not problems, count, prev_hash, tuple(problems), key is not None,
                        unmarked, len(heads), tuple(notes))


def record_head(session: Session, reason: str, at: datetime | None = None
                ) -> anchor.Head | None:
    """Record the log's current head in the heads file (outside the database); None when the
    session has no heads file configured or the log is empty."""
    where = session.info.get(anchor.HEADS_INFO)
    if where is None:
        return None
    path, label = where
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    if last is None:
        return None
    first = session.scalar(select(func.min(AuditRow.seq)).where(AuditRow.mac.is_not(None)))
    head = anchor.Head(label, last.seq, last.hash, anchor.now_text(at), reason,
                       first_marked=None if first is None else int(first))
    return anchor.append_head(path, head, _key(session))


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
