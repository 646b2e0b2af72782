"""ADA review: confirm the stored decision, or override it with a written reason.

An override is its own event (DecisionOverridden); the stored Decision is never edited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.cases.events import DecisionConfirmed, DecisionOverridden, Event
from divert.service import messages
from divert.service.auth import actor_of
from divert.service.casework import apply_event
from divert.service.concurrency import IfMatch
from divert.service.deps import ClockDep, CurrentUser, Principal, SessionDep, op
from divert.service.errors import ApiError
from divert.service.schemas.cases import ReviewCreate
from divert.store import repo

router = APIRouter(prefix="/api/cases/{case_id:id}/reviews", tags=["reviews"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
MIN_REASON = 10


def review_event(db: SessionDep, user: Principal, case_id: str, body: ReviewCreate) -> Event:
    """The review as an event on the latest screening, or 422 naming the missing field."""
    if body.action == "override":
        if body.outcome is None:
            raise ApiError(422, "An override names the outcome chosen.", loc=("body", "outcome"))
        if len(body.reason.strip()) < MIN_REASON:
            raise ApiError(422, messages.REASON_REQUIRED.format(min=MIN_REASON),
                           loc=("body", "reason"))
    latest = repo.latest_screening(db, actor_of(user), case_id)
    if latest is None:
        raise ApiError(409, f"Case '{case_id}' has not been screened; screen it first.",
                       loc=("path", "case_id"))
    if body.action == "confirm":
        return DecisionConfirmed(screening_id=latest.id, by=user.username)
    assert body.outcome is not None
    return DecisionOverridden(screening_id=latest.id, outcome=body.outcome.value,
                              reason=body.reason.strip(), by=user.username)


@router.post("", status_code=201, summary="Confirm or override the decision",
             **op("reviews.create", 404, 409, 412, 428))
def create_review(case_id: str, body: ReviewCreate, request: Request, user: CurrentUser,
                  db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                  key: IdemKey = None) -> Any:
    event = review_event(db, user, case_id, body)
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())
