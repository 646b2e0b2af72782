"""The pages DA staff use: log in, the case list with an outcome filter, the case page with
the decision's fired rules ("clause 2.3 — sentence"), a "why?" disclosure with the full
trace, and the review form (confirm, or override with a reason).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from divert.cases import access
from divert.cases.decision import NotDivertible
from divert.cases.lifecycle import State
from divert.csvcells import csv_text
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
from divert.service.schemas.cases import ApprovalCreate, ReviewCreate
from divert.service.screening import what_would_change
from divert.store import repo, treatment, whatif
from divert.store.views import SORTS, CaseFilters, NotFound, StaleVersion

from . import words
from .bail import bail_context
from .guard import TEMPLATES, PageError, page, page_user
from .nav import home_for

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
OUTCOMES = [o.value for o in Outcome]
STATES = [s.value for s in State if s is not State.NEW]


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


LIST_FIELDS = ("outcome", "state", "q", "filed_from", "filed_to", "sort", "queue", "proposal")


def _list_filters(user: Principal, asked: dict[str, str]) -> CaseFilters:
    """The list's filters from the query string, each refused with a sentence if wrong."""
    outcome, state, queue = asked["outcome"], asked["state"], asked["queue"]
    for value in (outcome, asked["proposal"]):
        if value and value not in OUTCOMES:
            raise PageError(422, f"Unknown outcome {value!r}; one of: {', '.join(OUTCOMES)}.")
    if state and state not in STATES:
        raise PageError(422, f"Unknown state {state!r}; one of: {', '.join(STATES)}.")
    if asked["sort"] and asked["sort"] not in SORTS:
        raise PageError(422, f"Unknown order {asked['sort']!r}; one of: {', '.join(SORTS)}.")
    dates: dict[str, date | None] = {}
    for name in ("filed_from", "filed_to"):
        try:
            dates[name] = date.fromisoformat(asked[name]) if asked[name] else None
        except ValueError:
            raise PageError(422, f"{asked[name][:20]!r} is not a date; write it as "
                                 "2026-07-02.") from None
    approvals = _held_approvals(user.role)
    if queue not in ("", "approvals"):
        raise PageError(422, f"Unknown queue {queue!r}; the queue is 'approvals' or none.")
    if queue and not approvals:
        raise PageError(403, f"The {user.role.replace('_', ' ')} role approves no reviews.")
    return CaseFilters(outcome=outcome or None, state=state or None,
                       search=asked["q"][:200] or None, sort=asked["sort"] or "filed_desc",
                       pending_approval=",".join(approvals) if queue else None,
                       proposal=asked["proposal"] or None,
                       filed_from=dates["filed_from"], filed_to=dates["filed_to"])


def _asked(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in LIST_FIELDS}


@router.get("/cases", **page("cases.list"))
def case_list(request: Request, db: SessionDep, user: PageUser,
              page_no: Annotated[str, Query(alias="page")] = "1") -> Response:
    asked = _asked(request)
    filters = _list_filters(user, asked)
    if not (page_no.isascii() and page_no.isdigit() and int(page_no[:9]) >= 1):
        raise PageError(422, f"There is no page {page_no[:20]!r}: pages are numbered from 1. "
                             "Go back to the first page of the list.")
    size = 50
    number = int(page_no[:9])
    found = repo.list_cases(db, actor_of(user), number, size, filters)
    pages = max(1, -(-found.total // size))
    if found.total and number > pages and found.total_exact:
        return RedirectResponse(_list_url(pages, asked), status_code=303)
    rows = [{"case_id": c.id, "filing_date": c.filing_date, "state": c.state,
             "charges": [ch.as_written for ch in c.charges], "outcome": c.outcome,
             "machine": c.machine_outcome, "pending": c.pending_approval}
            for c in found.items]
    return TEMPLATES.TemplateResponse(request, "cases.html", {
        "user": user, "asked": asked, "outcome": asked["outcome"], "outcomes": OUTCOMES,
        "states": STATES, "sorts": SORT_WORDS, "pages": pages, "queue": asked["queue"],
        "may_approve": bool(_held_approvals(user.role)),
        "export": "/cases.csv?" + urlencode({k: v for k, v in asked.items() if v}),
        "previous": _list_url(found.page - 1, asked) if found.page > 1 else None,
        "next": _list_url(found.page + 1, asked)
        if found.page < pages or not found.total_exact else None,
        "page": {"rows": rows, "total": found.total, "page": found.page,
                 "exact": found.total_exact}})


@router.get("/cases.csv", **page("cases.list"))
def case_list_csv(request: Request, db: SessionDep, user: PageUser) -> Response:
    """The whole filtered list as CSV, a spreadsheet formula never live in any cell."""
    filters = _list_filters(user, _asked(request))
    found = repo.list_cases(db, actor_of(user), 1, EXPORT_LIMIT, filters)
    rows = [[c.id, c.person_id, c.filing_date or "", c.state, c.outcome or "",
             c.machine_outcome or "", c.decided_by or "", c.pending_approval or "",
             "; ".join(ch.as_written for ch in c.charges)] for c in found.items]
    body = csv_text(EXPORT_HEADER, rows)
    if found.total > EXPORT_LIMIT or not found.total_exact:
        body += "# more cases match: narrow the filters to export them\n"
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="cases.csv"'})


EXPORT_LIMIT = 10_000
EXPORT_HEADER = ["case_id", "person_id", "filing_date", "state", "decision_in_effect",
                 "screening_decision", "decided_by", "waiting_for_approval", "charges"]
SORT_WORDS = {"filed_desc": "newest filing first", "filed_asc": "oldest filing first",
              "case_id": "by case id"}


def _held_approvals(role: str) -> list[str]:
    return sorted(a for a, roles in access.permissions().approvals.items() if role in roles)


def _list_url(page_no: int, asked: dict[str, str]) -> str:
    return "/cases?" + urlencode({**{k: v for k, v in asked.items() if v}, "page": str(page_no)})


_REVIEW_KINDS = ("DecisionConfirmed", "DecisionOverridden", "ReviewApproved", "ReviewRefused")


def _review_line(e: Any) -> str:
    """One review step in words: who, what, why, and whether it waits for approval."""
    p = e.payload
    waits = (f" — waits for the {p['approval'].replace('_', ' ')}'s approval"
             if p.get("approval") else "")
    if e.kind == "DecisionOverridden":
        return (f"{e.actor} overrode the decision to {p['outcome'].replace('_', ' ')}: "
                f"{p['reason']}{waits}")
    if e.kind == "DecisionConfirmed":
        return f"{e.actor} confirmed the decision{waits}"
    if e.kind == "ReviewApproved":
        return f"{e.actor} approved the review" + (f": {p['note']}" if p.get("note") else "")
    return f"{e.actor} refused the review: {p['reason']}"


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
                form: dict[str, str] | None = None,
                work_form: dict[str, str] | None = None,
                bail_error: str | None = None) -> Response:
    actor = actor_of(user)
    view = repo.get_case(db, actor, case_id)
    latest = repo.latest_screening(db, actor, case_id)
    decision = latest.decision if latest else None
    fired = [r for r in decision["rules"] if r["outcome"]] if decision else []
    reviews = [_review_line(e) for e in repo.list_events(db, actor, case_id)
               if e.kind in _REVIEW_KINDS]
    shown, no_report = case_disclosures(db, user, view, now)
    return TEMPLATES.TemplateResponse(request, "case.html", {
        "user": user, "case": {"case_id": view.id, "filing_date": view.filing_date,
                               "state": view.state, "version": view.version,
                               "charges": [c.as_written for c in view.charges]},
        "decision": decision, "fired": fired, "reviews": reviews, "outcomes": OUTCOMES,
        "reason_first": words.reason_first(decision) if decision else None,
        "effective": {"outcome": view.outcome, "machine": view.machine_outcome,
                      "by": view.decided_by, "reason": view.decision_reason,
                      "pending": view.pending_approval},
        "can_approve": bool(view.pending_approval)
        and access.may_approve(user.role, view.pending_approval or ""),
        "form": form or {},
        "changes": what_would_change(request, db, view, decision) if decision else [],
        "can_review": access.is_allowed(user.role, "reviews.create"), "error": error,
        "flash": flash, "disclosures": shown, "no_report": no_report,
        "work": casework_context(db, user.role), "work_error": work_error,
        "work_form": work_form or {},
        "what_ifs": whatif.what_ifs_for(db, view.id, request.app.state.policies()),
        "bail": bail_context(db, user, view.id, bail_error)},
        status_code=status)


@router.get("/cases/{case_id:id}", **page("cases.read"))
def case_page(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
              user: PageUser, reviewed: bool = False, done: str = "") -> Response:
    flash = ("Your review was recorded; the machine's decision is kept beside it." if reviewed
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
        event = review_event(db, user, case_id, body, request)
        repo.append_event(db, actor_of(user), case_id, event, expected_version=version,
                          at=clock.now())
    except (ApiError, IllegalTransition, StaleVersion, NotDivertible, ValueError) as exc:
        msg = plain(exc)
        db.rollback()
        return render_case(request, db, user, case_id, clock.now(), error=msg, status=422,
                           form={"action": action, "outcome": outcome, "reason": reason})
    return RedirectResponse(f"/cases/{quote_id(case_id)}?reviewed=1", status_code=303)


@router.post("/cases/{case_id:id}/approval", **page("approvals.create"))
def approval(case_id: str, request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
             decision: Annotated[str, Form()], version: Annotated[int, Form()],
             reason: Annotated[str, Form()] = "") -> Response:
    from divert.service.api.reviews import approval_event

    try:
        body = ApprovalCreate.model_validate({"decision": decision, "reason": reason})
        event = approval_event(db, user, case_id, body)
        repo.append_event(db, actor_of(user), case_id, event, expected_version=version,
                          at=clock.now())
    except (ApiError, IllegalTransition, StaleVersion, NotDivertible, ValueError) as exc:
        msg = plain(exc)
        db.rollback()
        return render_case(request, db, user, case_id, clock.now(), error=msg, status=422,
                           form={"approval_reason": reason})
    return RedirectResponse(f"/cases/{quote_id(case_id)}?reviewed=1", status_code=303)

