"""Policies in force and their versions, with clause texts: what every role may read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from divert.service.deps import op
from divert.service.pagination import PageDep

router = APIRouter(prefix="/api/policies", tags=["policies"])


@router.get("", summary="List policies and their versions", **op("policies.read"))
def list_policies(request: Request, page: PageDep) -> dict[str, Any]:
    policies = request.app.state.policies()
    items = [
        {"id": p.id, "versions": [
            {"version": v.version, "title": v.title, "status": v.status,
             "effective": {"from": v.effective_from.isoformat(),
                           "to": v.effective_to.isoformat() if v.effective_to else None},
             "sha256": v.sha256, "clauses": dict(v.clauses)}
            for v in p.versions]}
        for p in sorted(policies.values(), key=lambda p: p.id)
    ]
    return {"items": page.slice(items), "page": page.page, "page_size": page.page_size,
            "total": len(items)}
