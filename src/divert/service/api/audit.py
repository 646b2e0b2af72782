"""The audit log over the API: auditors only, and reading it is itself audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from divert.service.auth import actor_of
from divert.service.deps import CurrentUser, SessionDep, op
from divert.service.pagination import PageDep
from divert.store import audit

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", summary="Read the audit log", **op("audit.read"))
def read_audit(user: CurrentUser, db: SessionDep, page: PageDep,
               person_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """Entries in order, one page at a time (`after_seq` = the page's offset)."""
    rows = audit.read_log(db, actor_of(user), person_id=person_id, limit=page.page_size,
                          after_seq=page.offset)
    db.commit()
    return {"items": rows, "page": page.page, "page_size": page.page_size,
            "total": audit_total(db)}


def audit_total(db: SessionDep) -> int:
    from sqlalchemy import func, select

    from divert.store.tables import AuditRow

    return int(db.scalar(select(func.count()).select_from(AuditRow)) or 0)


@router.get("/verify", summary="Verify the hash chain", **op("audit.verify"))
def verify_audit(user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    result = audit.verify(db)
    audit.append(db, actor_of(user), "verify", "audit_log", detail={"ok": result.ok})
    db.commit()
    return {"ok": result.ok, "entries": result.entries, "head": result.head,
            "problems": list(result.problems)}
