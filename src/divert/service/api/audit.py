"""The audit log over the API: auditors only, and reading it is itself audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from divert.service.auth import actor_of
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.pagination import PageDep
from divert.store import audit
from divert.store.unit import atomic

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("", summary="Read the audit log", **op("audit.read"))
def read_audit(user: CurrentUser, db: SessionDep, page: PageDep, clock: ClockDep,
               person_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    """Entries in order, one page at a time, optionally only those about one person."""
    found = audit.read_page(db, actor_of(user), person_id=person_id, page=page.page,
                            page_size=page.page_size, at=clock.now())
    return {"items": list(found.items), "page": found.page, "page_size": found.page_size,
            "total": found.total}


@router.get("/verify", summary="Verify the hash chain", **op("audit.verify"))
def verify_audit(
    user: CurrentUser, db: SessionDep, clock: ClockDep,
    head: Annotated[list[str], Query(
        max_length=20, description="Head hashes you noted earlier (e.g. from a backup's "
        "manifest); each must still be in the log. The heads recorded by the service and "
        "by backups are always checked.")] = [],  # noqa: B006 (FastAPI copies the default)
) -> dict[str, Any]:
    """Walk the chain and check it against the audit key and every recorded head (outside
    the database); the check and its audit entry are one transaction."""
    with atomic(db):
        result = audit.verify(db, [h[:64] for h in head])
        audit.append(db, actor_of(user), "verify", "audit_log", detail={"ok": result.ok},
                     at=clock.now())
    return {"ok": result.ok, "entries": result.entries, "head": result.head,
            "problems": list(result.problems), "keyed": result.keyed,
            "heads_checked": result.heads_checked, "notes": list(result.notes)}
