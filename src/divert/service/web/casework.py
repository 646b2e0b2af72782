"""The coordinator's forms on the case page: make an offer, record the person's answer,
refer to a provider. Each is one repository call under the case's version, through the same
lifecycle as the API: an illegal step shows the IllegalTransition sentence and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from divert.cases.events import Event, OfferAccepted, OfferDeclined, OfferMade
from divert.errors import DivertError, InputRefused
from divert.service.auth import actor_of
from divert.service.bounds import MAX_INT
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.errors import plain
from divert.service.paths import quote_id
from divert.service.schemas.cases import OfferAnswer, OfferCreate
from divert.store import repo, treatment
from divert.store.views import NotFound

from .guard import PageError, page, page_user
from .pages import render_case

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
Version = Annotated[int, Form(ge=1, le=MAX_INT)]


def _run(request: Request, db: SessionDep, clock: ClockDep, user: Principal, case_id: str,
         write: Callable[[], Any], done: str, typed: dict[str, str] | None = None) -> Response:
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
        err: Any = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "form"
        return again(f"{field}: {err['msg']}", 422)
    except ValueError as exc:
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
        try:
            on = date.fromisoformat(referred_on) if referred_on else clock.now().date()
        except ValueError:
            raise ValueError(f"referred_on: {referred_on!r} is not a date (YYYY-MM-DD)"
                             ) from None
        treatment.refer_to_provider(db, actor_of(user), case_id, provider_id, on, version,
                                    clock.now())

    return _run(request, db, clock, user, case_id, write, "referral",
                {"provider_id": provider_id, "referred_on": referred_on})
