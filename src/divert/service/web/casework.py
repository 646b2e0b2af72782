"""The coordinator's forms on the case page: make an offer, record the person's answer,
refer to a provider, record or revoke a Part 2 consent, close the case. Each is one
repository call under the case's version, through the same lifecycle as the API: an
illegal step shows the IllegalTransition sentence and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.cases.consent import ConsentInvalid
from divert.cases.events import Event, OfferAccepted, OfferDeclined, OfferMade
from divert.errors import DivertError, InputRefused
from divert.service.auth import actor_of
from divert.service.bounds import MAX_INT, IdPath
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.errors import plain
from divert.service.paths import quote_id
from divert.service.schemas.cases import OfferAnswer, OfferCreate, OutcomeCreate
from divert.store import repo, treatment
from divert.store.views import NotFound

from .guard import PageError, page, page_user
from .pages import render_case

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
Version = Annotated[int, Form(ge=1, le=MAX_INT)]


def _run(request: Request, db: SessionDep, clock: ClockDep, user: Principal, case_id: str,
         write: Callable[[], Any], done: str, typed: dict[str, Any] | None = None) -> Response:
    """Do `write`; on a refusal roll back and show the case again with the sentence and
    what the user typed (`typed`, the form's fields) still in the form."""
    def again(error: str, status: int) -> Response:
        return render_case(request, db, user, case_id, clock.now(), work_error=error,
                           status=status, work_form={"form": done, **(typed or {})})

    try:
        write()
    except NotFound as exc:
        db.rollback()
        if exc.kind == "case":
            raise PageError(404, f"No case with id '{case_id}'.") from exc
        return again(str(exc), 404)
    except ValidationError as exc:
        db.rollback()
        return again(plain(exc), 422)
    except ValueError as exc:
        db.rollback()
        return again(str(exc), 422)
    except ConsentInvalid as exc:
        db.rollback()
        return again(str(exc), 422)
    except InputRefused as exc:  # a date out of order, an expired offer, a second referral
        db.rollback()
        return again(str(exc), exc.status)
    except DivertError as exc:  # IllegalTransition, StaleVersion, Conflict
        db.rollback()
        return again(plain(exc), 409)
    return RedirectResponse(f"/cases/{quote_id(case_id)}?done={done}", status_code=303)


def _append(db: SessionDep, user: Principal, case_id: str, event: Event, version: int,
            clock: ClockDep) -> None:
    repo.append_event(db, actor_of(user), case_id, event, expected_version=version,
                      at=clock.now())


@router.post("/cases/{case_id:id}/offer", **page("offers.create"))
def make_offer(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
               user: PageUser, version: Version, expires_on: Annotated[str, Form()],
               terms: Annotated[str, Form(max_length=4000)] = "") -> Response:
    def write() -> None:
        body = OfferCreate.model_validate({"expires_on": expires_on, "terms": terms})
        _append(db, user, case_id, OfferMade(expires_on=body.expires_on, terms=body.terms),
                version, clock)

    return _run(request, db, clock, user, case_id, write, "offer",
                {"expires_on": expires_on, "terms": terms})


@router.post("/cases/{case_id:id}/offer/answer", **page("offers.update"))
def answer_offer(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
                 user: PageUser, version: Version, answer: Annotated[str, Form()],
                 on: Annotated[str, Form()] = "") -> Response:
    def write() -> None:
        body = OfferAnswer.model_validate({"answer": answer, "on": on or None})
        when: date = body.on or clock.now().date()
        if body.answer == "accepted":
            event: Event = OfferAccepted(accepted_on=when)
        elif body.answer == "declined":
            event = OfferDeclined(declined_on=when)
        else:
            raise PageError(422, "An offer expires by itself when its deadline passes.")
        _append(db, user, case_id, event, version, clock)

    return _run(request, db, clock, user, case_id, write, "answer",
                {"answer": answer, "on": on})


@router.post("/cases/{case_id:id}/refer", **page("referrals.create"))
def refer(case_id: str, request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
          version: Version, provider_id: Annotated[str, Form(max_length=64)],
          referred_on: Annotated[str, Form()] = "") -> Response:
    def write() -> None:
        on = _date_field("referred_on", referred_on) or clock.now().date()
        treatment.refer_to_provider(db, actor_of(user), case_id, provider_id, on, version,
                                    clock.now())

    return _run(request, db, clock, user, case_id, write, "referral",
                {"provider_id": provider_id, "referred_on": referred_on})


@router.post("/cases/{case_id:id}/consents", **page("consents.create"))
def record_consent(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
                   user: PageUser, provider_id: Annotated[str, Form(max_length=64)],
                   purpose: Annotated[str, Form(max_length=300)],
                   signed_on: Annotated[str, Form(max_length=10)],
                   expires_on: Annotated[str, Form(max_length=10)],
                   recipient_roles: Annotated[list[str] | None, Form()] = None,
                   kinds: Annotated[list[str] | None, Form()] = None) -> Response:
    """The person's signed 42 CFR Part 2 consent, as the coordinator copies it from the form."""
    from divert.service.api.consents import ConsentCreate

    typed = {"provider_id": provider_id, "purpose": purpose, "signed_on": signed_on,
             "expires_on": expires_on, "recipient_roles": recipient_roles or [],
             "kinds": kinds or []}

    def write() -> None:
        if not kinds:  # before the schema, whose refusal speaks of list lengths
            raise ConsentInvalid("kinds: tick at least one kind of information the consent "
                                 "lets the provider disclose.")
        body = ConsentCreate.model_validate({"case_id": case_id, **typed})
        treatment.record_consent(
            db, actor_of(user), case_id=case_id, provider_id=body.provider_id,
            recipient_roles=body.recipient_roles, kinds=body.kinds, purpose=body.purpose,
            signed_on=body.signed_on, expires_on=body.expires_on, at=clock.now())

    return _run(request, db, clock, user, case_id, write, "consent", typed)


@router.post("/cases/{case_id:id}/consents/{consent_id}/revoke", **page("consents.revoke"))
def revoke_consent(case_id: str, consent_id: IdPath, request: Request, db: SessionDep,
                   clock: ClockDep, user: PageUser,
                   revoked_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    def write() -> None:
        on = _date_field("revoked_on", revoked_on) or clock.now().date()
        if on > clock.now().date():
            raise ValueError(f"revoked_on: {on} is in the future; record a revocation on or "
                             "after the day it is made.")
        treatment.revoke_consent(db, actor_of(user), consent_id, on, None, clock.now())

    return _run(request, db, clock, user, case_id, write, "revocation",
                {"revoked_on": revoked_on})


@router.post("/cases/{case_id:id}/close", **page("outcomes.create"))
def close_case(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
               user: PageUser, version: Version, kind: Annotated[str, Form(max_length=32)],
               on: Annotated[str, Form(max_length=10)] = "",
               reason: Annotated[str, Form(max_length=4000)] = "",
               disposition: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Completion, return to prosecution (failure), withdrawal or final disposition."""
    from divert.service.api.outcomes import outcome_event
    from divert.service.errors import ApiError

    def write() -> None:
        body = OutcomeCreate.model_validate({"kind": kind, "on": on or None, "reason": reason,
                                             "disposition": disposition})
        try:
            event = outcome_event(body, clock.now().date())
        except ApiError as exc:
            raise ValueError(exc.message) from exc
        _append(db, user, case_id, event, version, clock)

    return _run(request, db, clock, user, case_id, write, "closing",
                {"kind": kind, "on": on, "reason": reason, "disposition": disposition})


def _date_field(name: str, value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date; write it as 2026-07-02.") from None
