"""The case page's bail block: the recommendation made at screening, the requests the ADA
made and the court's bail side by side, and the two forms that record them. Self-contained:
the case page includes templates/bail.html and adds `bail_context` to its context.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from divert.cases import access
from divert.errors import DivertError
from divert.service.auth import actor_of
from divert.service.deps import ClockDep, Principal, SessionDep
from divert.service.errors import ApiError, plain
from divert.service.paths import quote_id
from divert.service.schemas.bail import BailPublic, BailRequestCreate, CourtBailCreate
from divert.store import repo
from divert.store.bail import bail_of_case

from .guard import page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]

WORDS = {"ror": "release on own recognizance (ROR)", "unsecured": "unsecured (sign-on-bond)",
         "nonmonetary": "release on special conditions", "cash": "cash bail",
         "denied": "bail denied", "individual_review": "no presumption: decided case by case",
         "needs_review": "review: a fact the policy reads is not known",
         "out_of_scope": "not this policy's case"}


def bail_context(db: SessionDep, user: Principal, case_id: str,
                 error: str | None = None) -> dict[str, Any]:
    """What the bail block shows, and whether the user may record a request or the court's."""
    shown = BailPublic.of(bail_of_case(db, actor_of(user), case_id)).model_dump(mode="json")
    return {**shown, "words": WORDS, "error": error,
            "can_record": access.is_allowed(user.role, "bail.create")}


def _again(request: Request, db: SessionDep, clock: ClockDep, user: Principal, case_id: str,
           error: str) -> Response:
    from .pages import render_case

    db.rollback()
    return render_case(request, db, user, case_id, clock.now(), status=422, bail_error=error)


@router.post("/cases/{case_id:id}/bail/request", **page("bail.create"))
def record_request(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
                   user: PageUser, version: Annotated[int, Form()],
                   requested: Annotated[str, Form()], amount: Annotated[str, Form()] = "",
                   reason: Annotated[str, Form()] = "") -> Response:
    from divert.service.api.bail import request_event

    try:
        body = BailRequestCreate.model_validate({
            "requested": requested, "amount": int(amount) if amount.strip() else None,
            "reason": reason})
        event = request_event(request, db, user, case_id, body, clock.now().date())
        repo.append_event(db, actor_of(user), case_id, event, expected_version=version,
                          at=clock.now())
    except (ApiError, DivertError, ValueError) as exc:  # ValidationError names its field
        return _again(request, db, clock, user, case_id, plain(exc))
    return RedirectResponse(f"/cases/{quote_id(case_id)}#bail", status_code=303)


@router.post("/cases/{case_id:id}/bail/court", **page("bail.create"))
def record_court(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
                 user: PageUser, version: Annotated[int, Form()],
                 bail_type: Annotated[str, Form()], amount: Annotated[str, Form()] = ""
                 ) -> Response:
    from divert.service.api.bail import court_event

    try:
        body = CourtBailCreate.model_validate({
            "bail_type": bail_type, "amount": int(amount) if amount.strip() else None})
        repo.append_event(db, actor_of(user), case_id, court_event(body, clock.now().date()),
                          expected_version=version, at=clock.now())
    except (ApiError, DivertError, ValueError) as exc:  # ValidationError names its field
        return _again(request, db, clock, user, case_id, plain(exc))
    return RedirectResponse(f"/cases/{quote_id(case_id)}#bail", status_code=303)
