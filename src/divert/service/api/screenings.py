"""Screenings of a stored case: read them (with every rule's reason), or screen again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.service.auth import actor_of
from divert.service.concurrency import IfMatch, expected_version
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.service.screening import screen_stored_case
from divert.store import repo
from divert.store.views import ScreeningView

router = APIRouter(prefix="/api/cases/{case_id:id}/screenings", tags=["screenings"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def screening_public(s: ScreeningView) -> dict[str, Any]:
    return {"id": s.id, "case_id": s.case_id, "outcome": s.outcome, "policy_id": s.policy_id,
            "policy_version": s.policy_version, "policy_sha256": s.policy_sha256,
            "engine": s.engine, "as_of": s.as_of, "decision": s.decision,
            "created_at": s.created_at}


@router.get("", summary="Screenings of a case", **op("screenings.read", 404))
def list_screenings(case_id: str, user: CurrentUser, db: SessionDep,
                    page: PageDep) -> dict[str, Any]:
    found = repo.list_screenings(db, actor_of(user), case_id)
    return {"items": [screening_public(s) for s in page.slice(found)], "page": page.page,
            "page_size": page.page_size, "total": len(found)}


@router.post("", status_code=201, summary="Screen the case again",
             **op("screenings.create", 404, 409, 412, 428))
def create_screening(case_id: str, request: Request, user: CurrentUser, db: SessionDep,
                     clock: ClockDep, if_match: IfMatch = None, key: IdemKey = None) -> Any:
    """Re-screen under the policy in force (e.g. after a new version); needs If-Match."""
    sent = expected_version(if_match)
    now = clock.now()

    def action() -> tuple[int, Any]:
        _, stored = screen_stored_case(request, db, user, case_id, now, sent)
        return 201, screening_public(stored)

    fp = fingerprint("POST", request.url.path, {"if_match": sent})
    return run_once(db, user.username, key, fp, now, action)
