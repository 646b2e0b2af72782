"""The pages DA staff use: log in, the case list with an outcome filter, the case page with
the decision's fired rules ("clause 2.3 — sentence"), a "why?" disclosure with the full
trace, and the review form (confirm, or override with a reason).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from divert.cases import access
from divert.errors import IllegalTransition
from divert.policy.explain import Outcome
from divert.service import auth
from divert.service.auth import actor_of
from divert.service.deps import (
    PUBLIC,
    SESSION,
    SESSION_COOKIE,
    ClockDep,
    Principal,
    SessionDep,
    SettingsDep,
)
from divert.service.disclosure import case_disclosures
from divert.service.errors import ApiError, plain
from divert.service.paths import quote_id
from divert.service.schemas.cases import ReviewCreate
from divert.service.screening import what_would_change
from divert.store import repo, treatment, whatif
from divert.store.views import CaseFilters, NotFound, StaleVersion

from .guard import TEMPLATES, PageError, page, page_user
from .nav import home_for

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
OUTCOMES = [o.value for o in Outcome]


def _public() -> dict[str, Any]:
    return {"openapi_extra": {"x-operation": PUBLIC}, "include_in_schema": False}


@router.get("/", **_public())
def home(user: PageUser) -> Response:
    return RedirectResponse(home_for(user.role), status_code=303)


@router.get("/login", **_public())
def login_form(request: Request) -> Response:
    return TEMPLATES.TemplateResponse(request, "login.html", {"user": None})


@router.post("/login", **_public())
def login(request: Request, db: SessionDep, clock: ClockDep, settings: SettingsDep,
          username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)],
          totp: Annotated[str, Form(max_length=8)]) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        result = auth.login(db, username, password, totp, clock.now(), settings, client)
    except ApiError as exc:
        return TEMPLATES.TemplateResponse(
            request, "login.html", {"user": None, "error": exc.message, "username": username},
            status_code=exc.status)
    response = RedirectResponse(home_for(result.principal.role), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="strict",
                        secure=settings.cookie_secure, path="/",
                        max_age=settings.session_max_hours * 3600)
    return response


@router.post("/logout", **page(SESSION))
def logout(db: SessionDep, clock: ClockDep, user: PageUser) -> Response:
    auth.logout(db, user, clock.now())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/cases", **page("cases.list"))
def case_list(request: Request, db: SessionDep, user: PageUser,
              page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
              outcome: str = "", proposal: str = "") -> Response:
    for value in (outcome, proposal):
        if value and value not in OUTCOMES:
            raise PageError(422, f"Unknown outcome {value!r}; one of: {', '.join(OUTCOMES)}.")
    size = 50
    found = repo.list_cases(db, actor_of(user), max(page_no, 1), size,
                            CaseFilters(outcome=outcome or None, proposal=proposal or None))
    rows = [{"case_id": c.id, "filing_date": c.filing_date, "state": c.state,
             "charges": [ch.as_written for ch in c.charges], "outcome": c.outcome}
            for c in found.items]
    pages = max(1, -(-found.total // size))
    return TEMPLATES.TemplateResponse(request, "cases.html", {
        "user": user, "outcome": outcome, "outcomes": OUTCOMES, "pages": pages,
        "proposal": proposal,
        "page": {"rows": rows, "total": found.total, "page": found.page}})


DONE = {"offer": "The offer was recorded.", "answer": "The answer to the offer was recorded.",
        "referral": "The referral to the provider was recorded."}


def casework_context(db: SessionDep, role: str) -> dict[str, Any]:
    """Which coordinator forms the role may use, and the providers to refer to."""
    may = {op: access.is_allowed(role, op)
           for op in ("offers.create", "offers.update", "referrals.create")}
    providers = treatment.list_providers(db) if may["referrals.create"] else []
    return {"offer": may["offers.create"], "answer": may["offers.update"],
            "refer": may["referrals.create"], "providers": providers}


def render_case(request: Request, db: SessionDep, user: Principal, case_id: str, now: Any,
                *, error: str | None = None, flash: str | None = None,
                status: int = 200, work_error: str | None = None,
                work_form: dict[str, str] | None = None) -> Response:
    actor = actor_of(user)
    view = repo.get_case(db, actor, case_id)
    latest = repo.latest_screening(db, actor, case_id)
    decision = latest.decision if latest else None
    fired = [r for r in decision["rules"] if r["outcome"]] if decision else []
    reviews = [
        f"{e.kind.removeprefix('Decision')} by {e.actor}: " + (
            f"{e.payload['outcome']} — {e.payload['reason']}"
            if e.kind == "DecisionOverridden" else "decision confirmed")
        for e in repo.list_events(db, actor, case_id)
        if e.kind in ("DecisionConfirmed", "DecisionOverridden")
    ]
    shown, no_report = case_disclosures(db, user, view, now)
    return TEMPLATES.TemplateResponse(request, "case.html", {
        "user": user, "case": {"case_id": view.id, "filing_date": view.filing_date,
                               "state": view.state, "version": view.version,
                               "charges": [c.as_written for c in view.charges]},
        "decision": decision, "fired": fired, "reviews": reviews, "outcomes": OUTCOMES,
        "changes": what_would_change(request, db, view, decision) if decision else [],
        "can_review": access.is_allowed(user.role, "reviews.create"), "error": error,
        "flash": flash, "disclosures": shown, "no_report": no_report,
        "work": casework_context(db, user.role), "work_error": work_error,
        "work_form": work_form or {},
        "what_ifs": whatif.what_ifs_for(db, view.id, request.app.state.policies())},
        status_code=status)


@router.get("/cases/{case_id:id}", **page("cases.read"))
def case_page(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
              user: PageUser, reviewed: bool = False, done: str = "") -> Response:
    flash = ("Your review was recorded; the stored decision is unchanged." if reviewed
             else DONE.get(done))
    try:
        return render_case(request, db, user, case_id, clock.now(), flash=flash)
    except NotFound as exc:
        raise PageError(404, f"No case with id '{case_id}'.") from exc


@router.post("/cases/{case_id:id}/review", **page("reviews.create"))
def review(case_id: str, request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
           action: Annotated[str, Form()], version: Annotated[int, Form()],
           outcome: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = ""
           ) -> Response:
    from divert.service.api.reviews import review_event

    try:
        body = ReviewCreate.model_validate({
            "action": action, "reason": reason,
            "outcome": outcome if action == "override" else None})
        event = review_event(db, user, case_id, body)
        repo.append_event(db, actor_of(user), case_id, event, expected_version=version,
                          at=clock.now())
    except (ApiError, IllegalTransition, StaleVersion, ValueError) as exc:
        msg = plain(exc)
        db.rollback()
        return render_case(request, db, user, case_id, clock.now(), error=msg, status=422)
    return RedirectResponse(f"/cases/{quote_id(case_id)}?reviewed=1", status_code=303)

