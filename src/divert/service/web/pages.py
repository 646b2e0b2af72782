"""The pages DA staff use: log in, the case list with an outcome filter, the case page with
the decision's fired rules ("clause 2.3 — sentence"), a "why?" disclosure with the full
trace, and the review form (confirm, or override with a reason).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from divert.cases import access, queues
from divert.cases.consent import rules as consent_rules
from divert.cases.decision import NotDivertible
from divert.cases.lifecycle import State, allowed
from divert.csvcells import csv_text
from divert.errors import IllegalTransition
from divert.policy.explain import Outcome
from divert.service import auth
from divert.service.auth import actor_of
from divert.service.bounds import MAX_INT
from divert.service.clientaddr import client_address
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
    try:
        result = auth.login(db, username, password, totp, clock.now(), settings,
                            client_address(request), request.app.state.login_throttle)
    except ApiError as exc:
        return TEMPLATES.TemplateResponse(
            request, "login.html", {"user": None, "error": exc.message, "username": username},
            status_code=exc.status, headers=exc.headers)
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


LIST_FIELDS = ("outcome", "state", "q", "filed_from", "filed_to", "sort", "queue", "proposal",
               "vehicle", "provider")


def _list_filters(user: Principal, asked: dict[str, str], today: date) -> CaseFilters:
    """The list's filters from the query string, each refused with a sentence if wrong; a
    saved queue's filters (cases/queues.py) come first and the rest narrow it."""
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
    saved: dict[str, Any] = {}
    if queue:
        mine = [q.name for q in queues.queues_for(user.role)]
        if queue not in queues.BY_NAME:
            raise PageError(422, f"Unknown queue {queue[:30]!r}; the queues are: "
                                 f"{', '.join(queues.BY_NAME)}.")
        if queue not in mine:
            raise PageError(403, f"The {user.role.replace('_', ' ')} role does not work the "
                                 f"{queues.BY_NAME[queue].label!r} queue.")
        saved = queues.queue_filters(queue, user.role, today)
    return CaseFilters(**queues.under_queue({
        "outcome": outcome or None, "state": state or None, "search": asked["q"][:200] or None,
        "proposal": asked["proposal"] or None, "vehicle": asked["vehicle"][:32] or None,
        "provider_id": asked["provider"][:64] or None, "filed_from": dates["filed_from"],
        "filed_to": dates["filed_to"]}, saved, asked["sort"]))


def _asked(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in LIST_FIELDS}


@router.get("/cases", **page("cases.list"))
def case_list(request: Request, db: SessionDep, user: PageUser, clock: ClockDep,
              page_no: Annotated[str, Query(alias="page")] = "1", confirmed: int = -1,
              refused: Annotated[str, Query(max_length=1000)] = "") -> Response:
    asked = _asked(request)
    filters = _list_filters(user, asked, clock.now().date())
    vehicles = _vehicles(request)
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
             "machine": c.machine_outcome, "pending": c.pending_approval,
             "due_on": c.due_on, "vehicle": c.vehicle, "version": c.version}
            for c in found.items]
    return TEMPLATES.TemplateResponse(request, "cases.html", {
        "user": user, "asked": asked, "outcome": asked["outcome"], "outcomes": OUTCOMES,
        "states": STATES, "sorts": SORT_WORDS, "pages": pages, "queue": asked["queue"],
        "queues": queues.queues_for(user.role),
        "current": queues.BY_NAME.get(asked["queue"]),
        "vehicles": vehicles, "vehicle_names": dict(vehicles),
        "providers": treatment.list_providers(db),
        "may_confirm": access.is_allowed(user.role, "reviews.create"),
        "flash": _confirmed_words(confirmed, refused),
        "export": "/cases.csv?" + urlencode({k: v for k, v in asked.items() if v}),
        "previous": _list_url(found.page - 1, asked) if found.page > 1 else None,
        "next": _list_url(found.page + 1, asked)
        if found.page < pages or not found.total_exact else None,
        "page": {"rows": rows, "total": found.total, "page": found.page,
                 "exact": found.total_exact}})


@router.get("/cases.csv", **page("cases.list"))
def case_list_csv(request: Request, db: SessionDep, user: PageUser, clock: ClockDep
                  ) -> Response:
    """The whole filtered list as CSV, a spreadsheet formula never live in any cell."""
    filters = _list_filters(user, _asked(request), clock.now().date())
    found = repo.list_cases(db, actor_of(user), 1, EXPORT_LIMIT, filters)
    rows = [[c.id, c.person_id, c.filing_date or "", c.state, c.outcome or "",
             c.machine_outcome or "", c.vehicle or "", c.decided_by or "",
             c.pending_approval or "", c.due_on or "",
             "; ".join(ch.as_written for ch in c.charges)] for c in found.items]
    body = csv_text(EXPORT_HEADER, rows)
    if found.total > EXPORT_LIMIT or not found.total_exact:
        body += "# more cases match: narrow the filters to export them\n"
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="cases.csv"'})


EXPORT_LIMIT = 10_000
EXPORT_HEADER = ["case_id", "person_id", "filing_date", "state", "decision_in_effect",
                 "screening_decision", "vehicle", "decided_by", "waiting_for_approval",
                 "due_on", "charges"]
SORT_WORDS = {"filed_desc": "newest filing first", "filed_asc": "oldest filing first",
              "case_id": "by case id", "due_asc": "soonest due first"}


def _screened_words(said: str) -> str | None:
    """The re-screening's sentence, shown only in the shape this page writes it."""
    return said if said.startswith("Screened again under ") and len(said) < 200 else None


def _confirmed_words(confirmed: int, refused: str) -> str | None:
    """What a bulk confirm did, said on the list it came back to."""
    if confirmed < 0:
        return None
    said = f"Confirmed {confirmed} case{'' if confirmed == 1 else 's'}, each as its own review."
    if refused:
        said += (f" Not confirmed: {refused.replace(',', ', ')} — open each case to see why "
                 "(it may have changed since the list was shown, or it may not be "
                 "confirmable).")
    return said


def _vehicles(request: Request) -> list[tuple[str, str]]:
    """The vehicles the loaded policies name (policies/…/vehicles.yaml), as (id, short name)."""
    found: dict[str, str] = {}
    for policy in request.app.state.policies().values():
        if policy.latest().path:
            found.update(_vehicle_names(policy.latest().path))
    return sorted(found.items(), key=lambda kv: kv[1])


def _vehicle_of(request: Request, decision: dict[str, Any]) -> Any:
    """The vehicle a divert names, with its conditions and bars (vehicles.yaml)."""
    policy = request.app.state.policies().get(decision["policy"]["id"])
    if not decision.get("vehicle") or policy is None or not policy.latest().path:
        return None
    return vehicles_at(policy.latest().path).get(decision["vehicle"])


@cache
def vehicles_at(version_path: str) -> dict[str, Any]:
    """The vehicles file beside a policy version, read once per process (pages and letters)."""
    from divert.policy.vehicles import load_vehicles, vehicles_file

    return load_vehicles(vehicles_file(version_path))


def _vehicle_names(version_path: str) -> dict[str, str]:
    return {v.id: v.short for v in vehicles_at(version_path).values()}


def _list_url(page_no: int, asked: dict[str, str]) -> str:
    return "/cases?" + urlencode({**{k: v for k, v in asked.items() if v}, "page": str(page_no)})


DONE = {"offer": "The offer was recorded.", "answer": "The answer to the offer was recorded.",
        "referral": "The referral to the provider was recorded.",
        "consent": "The consent was recorded.", "revocation": "The revocation was recorded.",
        "closing": "The case's outcome was recorded."}


def person_context(db: SessionDep, actor: Any, view: Any) -> dict[str, Any]:
    """The person as the ADA needs them: pseudonym, age, and their other cases' decisions."""
    others = repo.list_cases(db, actor, 1, 20, CaseFilters(person_id=view.person_id))
    return {"id": view.person_id, "age": view.age, "zip": view.zip,
            "others": [c for c in others.items if c.id != view.id],
            "more": others.total > 20 or not others.total_exact}


CLOSINGS = (("DiversionCompleted", "completed", "diversion completed"),
            ("ReturnedToProsecution", "returned_to_prosecution",
             "diversion failed: back to prosecution"),
            ("ChargesWithdrawn", "charges_withdrawn", "charges withdrawn"),
            ("Disposed", "disposed", "final disposition"))


def casework_context(db: SessionDep, actor: Any, role: str, case_id: str, state: str,
                     today: date) -> dict[str, Any]:
    """Which coordinator forms the role may use, the providers to refer to, and the case's
    consents with whether each is in force today."""
    may = {op: access.is_allowed(role, op)
           for op in ("offers.create", "offers.update", "referrals.create", "consents.create",
                      "consents.revoke", "consents.read", "outcomes.create")}
    providers = (treatment.list_providers(db)
                 if may["referrals.create"] or may["consents.create"] else [])
    consents = []
    if may["consents.read"]:
        for v in treatment.list_consents(db, actor, case_id):
            c = v.consent
            status = ("revoked on " + c.revoked_on.isoformat() if c.revoked_on
                      else "expired on " + c.expires_on.isoformat() if c.expires_on < today
                      else "in force until " + c.expires_on.isoformat())
            consents.append({"id": c.consent_id, "provider": c.provider_id,
                             "to": ", ".join(sorted(r.replace("_", " ")
                                                    for r in c.recipient_roles)),
                             "kinds": ", ".join(sorted(k.value.replace("_", " ")
                                                       for k in c.kinds)),
                             "purpose": c.purpose, "signed_on": c.signed_on, "status": status,
                             "live": c.revoked_on is None and c.expires_on >= today})
    can = set(allowed(State(state)))
    closings = [(kind, label) for event, kind, label in CLOSINGS if event in can]
    return {"offer": may["offers.create"] and "OfferMade" in can,
            "answer": may["offers.update"] and "OfferAccepted" in can,
            "refer": may["referrals.create"] and "ReferredToProvider" in can,
            "consent": may["consents.create"] and "ConsentRecorded" in can,
            "revoke": may["consents.revoke"],
            "close": may["outcomes.create"] and bool(closings), "closings": closings,
            "providers": providers, "consents": consents,
            "roles": ["charging_ada", "supervisor", "coordinator", "analyst"],
            "kinds": sorted(consent_rules().kinds)}


def render_case(request: Request, db: SessionDep, user: Principal, case_id: str, now: Any,
                *, error: str | None = None, flash: str | None = None,
                status: int = 200, work_error: str | None = None,
                form: dict[str, str] | None = None,
                work_form: dict[str, Any] | None = None,
                bail_error: str | None = None) -> Response:
    actor = actor_of(user)
    view = repo.get_case(db, actor, case_id)
    latest = repo.latest_screening(db, actor, case_id)
    decision = latest.decision if latest else None
    fired = [r for r in decision["rules"] if r["outcome"]] if decision else []
    events = repo.list_events(db, actor, case_id)
    timeline = [{"at": e.recorded_at, "who": e.actor,
                 "what": words.event_words(e.kind, e.payload)} for e in events]
    shown, no_report = case_disclosures(db, user, view, now)
    vehicles = dict(_vehicles(request))
    return TEMPLATES.TemplateResponse(request, "case.html", {
        "user": user, "case": {"case_id": view.id, "filing_date": view.filing_date,
                               "state": view.state, "version": view.version,
                               "charges": [c.as_written for c in view.charges]},
        "decision": decision, "fired": fired, "timeline": timeline, "outcomes": OUTCOMES,
        "has_offer": any(e.kind == "OfferMade" for e in events),
        "person": person_context(db, actor, view),
        "reason_first": words.reason_first(decision) if decision else None,
        "effective": {"outcome": view.outcome, "machine": view.machine_outcome,
                      "by": view.decided_by, "reason": view.decision_reason,
                      "pending": view.pending_approval},
        "can_approve": bool(view.pending_approval)
        and access.may_approve(user.role, view.pending_approval or ""),
        "form": form or {},
        "changes": [words.change_words(c.what, c.outcome.value,
                                       vehicles.get(c.vehicle or "", c.vehicle))
                    for c in (what_would_change(request, db, view, decision)
                              if decision else [])],
        "vehicle_name": vehicles.get(decision.get("vehicle") or "") if decision else None,
        "vehicle": _vehicle_of(request, decision) if decision else None,
        "can_review": access.is_allowed(user.role, "reviews.create"), "error": error,
        "can_screen": access.is_allowed(user.role, "screenings.create")
        and "Screened" in allowed(State(view.state)),
        "flash": flash, "disclosures": shown, "no_report": no_report,
        "work": casework_context(db, actor, user.role, view.id, view.state, now.date()),
        "work_error": work_error,
        "work_form": work_form or {},
        "what_ifs": whatif.what_ifs_for(db, view.id, request.app.state.policies()),
        "bail": bail_context(db, user, view.id, bail_error)},
        status_code=status)


@router.get("/cases/{case_id:id}", **page("cases.read"))
def case_page(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
              user: PageUser, reviewed: bool = False, done: str = "",
              screened: Annotated[str, Query(max_length=200)] = "") -> Response:
    flash = ("Your review was recorded; the machine's decision is kept beside it." if reviewed
             else DONE.get(done) or (_screened_words(screened) if screened else None))
    try:
        return render_case(request, db, user, case_id, clock.now(), flash=flash)
    except NotFound as exc:
        raise PageError(404, f"No case with id '{case_id}'.") from exc


@router.post("/cases/{case_id:id}/review", **page("reviews.create"))
def review(case_id: str, request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
           action: Annotated[str, Form()], version: Annotated[int, Form(ge=1, le=MAX_INT)],
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
             decision: Annotated[str, Form()], version: Annotated[int, Form(ge=1, le=MAX_INT)],
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



@router.post("/cases/confirm", **page("reviews.create"))
def confirm_many(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
                 case: Annotated[list[str] | None, Form(max_length=200)] = None,
                 back: Annotated[str, Form(max_length=2000)] = "/cases") -> Response:
    """Bulk confirm: each ticked case ("id@version") gets its own DecisionConfirmed through
    the same checks as one review; a refusal names the case and does not stop the others."""
    from divert.service.api.reviews import review_event

    ticked = case or []
    if len(ticked) > 100:
        raise PageError(422, "Confirm at most 100 cases at once (one page of the list).")
    done, refused = 0, []
    for item in ticked:
        case_id, _, version = item.rpartition("@")
        try:
            body = ReviewCreate.model_validate({"action": "confirm"})
            event = review_event(db, user, case_id, body, request)
            repo.append_event(db, actor_of(user), case_id, event,
                              expected_version=int(version), at=clock.now())
            done += 1
        except (ApiError, IllegalTransition, StaleVersion, NotDivertible, NotFound,
                ValueError):
            db.rollback()
            refused.append(case_id[:64])
    target = back if back.startswith("/cases") and not back.startswith("//") else "/cases"
    joiner = "&" if "?" in target else "?"
    said = urlencode({"confirmed": done, "refused": ",".join(refused)[:1000]})
    return RedirectResponse(f"{target}{joiner}{said}", status_code=303)


@router.post("/cases/{case_id:id}/screen", **page("screenings.create"))
def screen_again(case_id: str, request: Request, db: SessionDep, clock: ClockDep,
                 user: PageUser, version: Annotated[int, Form(ge=0, le=2**31)]) -> Response:
    """Screen the case again (after a fact was found out) under the policy that screened it
    last, the version in force on its date chosen as at first; the old screening stays."""
    from divert.service.screening import policy_of, screen_and_store

    latest = repo.latest_screening(db, actor_of(user), case_id)
    policies = request.app.state.policies()
    policy = (policies.get(latest.policy_id) if latest else None) or policy_of(request)
    try:
        _, stored = screen_and_store(db, actor_of(user), case_id, policy, clock.now(), version)
    except NotFound as exc:
        raise PageError(404, f"No case with id '{case_id}'.") from exc
    except (ApiError, IllegalTransition, StaleVersion) as exc:
        db.rollback()
        return render_case(request, db, user, case_id, clock.now(), error=plain(exc),
                           status=409)
    said = f"Screened again under {stored.policy_id} v{stored.policy_version}: " \
           f"{stored.outcome.replace('_', ' ')}."
    return RedirectResponse(f"/cases/{quote_id(case_id)}?{urlencode({'screened': said})}",
                            status_code=303)
