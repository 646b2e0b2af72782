"""Diversion offers: make one, then record the person's answer (accepted, declined, expired)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.cases.events import Event, OfferAccepted, OfferDeclined, OfferExpired, OfferMade
from divert.service.casework import apply_event
from divert.service.concurrency import IfMatch
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.schemas.cases import OfferAnswer, OfferCreate

router = APIRouter(prefix="/api/cases/{case_id:id}/offer", tags=["offers"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


@router.post("", status_code=201, summary="Make a diversion offer",
             **op("offers.create", 404, 409, 412, 428))
def make_offer(case_id: str, body: OfferCreate, request: Request, user: CurrentUser,
               db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
               key: IdemKey = None) -> Any:
    event = OfferMade(expires_on=body.expires_on, terms=body.terms)
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


@router.post("/answer", status_code=201, summary="Record the answer to the offer",
             **op("offers.update", 404, 409, 412, 428))
def answer_offer(case_id: str, body: OfferAnswer, request: Request, user: CurrentUser,
                 db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                 key: IdemKey = None) -> Any:
    on = body.on or clock.now().date()
    event: Event
    if body.answer == "accepted":
        event = OfferAccepted(accepted_on=on)
    elif body.answer == "declined":
        event = OfferDeclined(declined_on=on)
    else:
        event = OfferExpired(expired_on=on)
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())
