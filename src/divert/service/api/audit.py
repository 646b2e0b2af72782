"""The audit log over the API: auditors only, and reading it is itself audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.service.auth import actor_of
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.pagination import PageDep
from divert.store import audit
from divert.store.tables import AuditRow

router = APIRouter(prefix="/api/audit", tags=["audit"])


def _count_and_cursor(db: Session, person_id: str | None, offset: int) -> tuple[int, int]:
    """How many entries match, and the seq after which this page starts.

    Adapter note: the store's read_log pages by seq; these two read-only queries turn a
    page number into that cursor when the entries are filtered by person.
    """
    query = select(AuditRow.seq)
    if person_id is not None:
        query = query.where(AuditRow.person_id == person_id)
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if offset == 0:
        return total, 0
    before = db.scalar(query.order_by(AuditRow.seq).offset(offset - 1).limit(1))
    return total, int(before) if before is not None else 1 << 62


@router.get("", summary="Read the audit log", **op("audit.read"))
def read_audit(user: CurrentUser, db: SessionDep, page: PageDep,
               person_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """Entries in order, one page at a time, optionally only those about one person."""
    total, after = _count_and_cursor(db, person_id, page.offset)
    rows = audit.read_log(db, actor_of(user), person_id=person_id, limit=page.page_size,
                          after_seq=after)
    db.commit()
    return {"items": rows, "page": page.page, "page_size": page.page_size, "total": total}


@router.get("/verify", summary="Verify the hash chain", **op("audit.verify"))
def verify_audit(user: CurrentUser, db: SessionDep, clock: ClockDep) -> dict[str, Any]:
    result = audit.verify(db)
    audit.append(db, actor_of(user), "verify", "audit_log", detail={"ok": result.ok},
                 at=clock.now())
    db.commit()
    return {"ok": result.ok, "entries": result.entries, "head": result.head,
            "problems": list(result.problems)}
