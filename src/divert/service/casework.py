"""How the API changes a case: one event per request, under If-Match and Idempotency-Key.

The lifecycle (cases/lifecycle.py, applied by the store) decides whether the event is
allowed; an illegal one is 409 with the allowed events and nothing is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from divert.cases.events import Event
from divert.service.auth import actor_of
from divert.service.concurrency import expected_version
from divert.service.deps import Principal
from divert.service.idempotency import fingerprint, run_once
from divert.service.schemas.cases import CasePublic
from divert.store import repo
from divert.store.handles import Session


def apply_event(
    db: Session,
    request: Request,
    user: Principal,
    case_id: str,
    event: Event,
    body: Any,
    if_match: str | None,
    key: str | None,
    now: datetime,
) -> JSONResponse:
    """Append `event` to the case if its version is still `If-Match`; replay on a repeat key."""
    sent = expected_version(if_match)

    def action() -> tuple[int, Any]:
        view = repo.append_event(db, actor_of(user), case_id, event, expected_version=sent,
                                 at=now)
        return 201, CasePublic.of(view).model_dump(mode="json")

    fp = fingerprint(request.method, request.url.path, {"body": body, "if_match": sent})
    return run_once(db, user.username, key, fp, now, action)
