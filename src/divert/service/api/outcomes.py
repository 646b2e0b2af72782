"""Outcomes of a case: completion, return to prosecution, withdrawal, final disposition."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.cases.events import (
    ChargesWithdrawn,
    Disposed,
    DiversionCompleted,
    Event,
    ReturnedToProsecution,
)
from divert.service.casework import apply_event
from divert.service.concurrency import IfMatch
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.errors import ApiError
from divert.service.schemas.cases import OutcomeCreate

router = APIRouter(prefix="/api/cases/{case_id:id}/outcomes", tags=["outcomes"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def outcome_event(body: OutcomeCreate, today: Any) -> Event:
    on = body.on or today
    if body.kind == "completed":
        return DiversionCompleted(completed_on=on)
    if body.kind == "charges_withdrawn":
        return ChargesWithdrawn(withdrawn_on=on, reason=body.reason)
    if body.kind == "disposed":
        if not body.disposition.strip():
            raise ApiError(422, "A disposition needs its text (e.g. 'guilty plea').",
                           loc=("body", "disposition"))
        return Disposed(disposed_on=on, disposition=body.disposition)
    if not body.reason.strip():
        raise ApiError(422, "Returning a case to prosecution needs a reason.",
                       loc=("body", "reason"))
    return ReturnedToProsecution(reason=body.reason)


@router.post("", status_code=201, summary="Record an outcome",
             **op("outcomes.create", 404, 409, 412, 428))
def record_outcome(case_id: str, body: OutcomeCreate, request: Request, user: CurrentUser,
                   db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                   key: IdemKey = None) -> Any:
    event = outcome_event(body, clock.now().date())
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())
