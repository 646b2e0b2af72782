"""Cases: list (with outcome filter), read (audited), file by hand, PAD referral, history."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response

from divert.cases import queues
from divert.cases.lifecycle import State
from divert.model.case import Charge
from divert.policy.explain import Outcome
from divert.service import pad
from divert.service.api.referrals import referral_public
from divert.service.auth import actor_of
from divert.service.deps import ClockDep, CurrentUser, SessionDep, audited_reads, op
from divert.service.errors import ApiError
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.service.schemas.cases import CaseCreate, CasePublic, PadCreate
from divert.service.screening import policy_of, screen_stored_case
from divert.store import repo, whatif
from divert.store.views import BailFacts, CaseFilters

router = APIRouter(prefix="/api", tags=["cases"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


@router.get("/cases", summary="List cases", **op("cases.list"))
def list_cases(
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    page: PageDep,
    clock: ClockDep,
    outcome: Annotated[Outcome | None, Query(description=(
        "The decision in effect (the latest screening, or an approved review over it)."))
    ] = None,
    state: Annotated[State | None, Query(description="The case's state.")] = None,
    filed_from: date | None = None,
    filed_to: date | None = None,
    q: Annotated[str | None, Query(max_length=200, description=(
        "A case, person, docket or incident id exactly as written, or words that one charge "
        "contains (case-insensitive)."))] = None,
    sort: Annotated[Literal["filed_desc", "filed_asc", "case_id", "due_asc"] | None, Query(
        description="Newest filing first (default), oldest first, by case id, or soonest "
                    "due first (a queue's own order when a queue is named).")
    ] = None,
    queue: Annotated[Literal["unreviewed", "approvals", "offers_expiring", "no_engagement"]
                     | None, Query(description=(
        "A saved queue (cases/queues.py), for the roles that work it: unreviewed "
        "(reviews.create), approvals (approvals.create), offers_expiring (offers.update), "
        "no_engagement (referrals.create)."))] = None,
    vehicle: Annotated[str | None, Query(max_length=32, description=(
        "The vehicle the latest screening named, e.g. section-18."))] = None,
    provider_id: Annotated[str | None, Query(max_length=64, description=(
        "Cases referred to this provider."))] = None,
    proposal: Annotated[Outcome | None, Query(
        description="The outcome under the proposal: a labelled what-if screening "
                    "(GET /api/cases/{id}/what-ifs), never the live decision.")] = None,
) -> dict[str, Any]:
    saved: dict[str, Any] = {}
    if queue is not None:
        if queue not in {q.name for q in queues.queues_for(user.role)}:
            raise ApiError(403, f"The {user.role} role does not work the {queue!r} queue.",
                           loc=("query", "queue"))
        saved = queues.queue_filters(queue, user.role, clock.now().date())
    filters = CaseFilters(**queues.under_queue({
        "state": state.value if state else None, "outcome": outcome.value if outcome else None,
        "filed_from": filed_from, "filed_to": filed_to, "search": q or None,
        "proposal": proposal.value if proposal else None, "vehicle": vehicle,
        "provider_id": provider_id}, saved, sort))
    with audited_reads(request, db):
        found = repo.list_cases(db, actor_of(user), page.page, page.page_size, filters)
    return {
        "items": [CasePublic.of(c).model_dump(mode="json") for c in found.items],
        "page": found.page, "page_size": found.page_size, "total": found.total,
        "total_exact": found.total_exact,
    }


@router.get("/cases/{case_id:id}/what-ifs", summary="A case's what-if screenings",
            **op("cases.read", 404))
def list_what_ifs(case_id: str, request: Request, user: CurrentUser, db: SessionDep
                  ) -> dict[str, Any]:
    """Each labelled what-if (e.g. "proposal"): the policy version and its status, the day
    it was screened as of, the assumptions (none by default) and the deciding sentences.
    Never the case's decision: that is `outcome` on the case."""
    view = repo.get_case(db, actor_of(user), case_id)  # 404 for an unknown case; audited
    items = whatif.what_ifs_for(db, view.id, request.app.state.policies())
    return {"items": [{**dataclasses.asdict(w), "assumptions": list(w.assumptions),
                       "says": list(w.says)} for w in items]}


@router.get("/cases/{case_id:id}", summary="Read a case", **op("cases.read", 404))
def get_case(case_id: str, request: Request, user: CurrentUser, db: SessionDep,
             response: Response) -> CasePublic:
    """The case and its charges; the read is audited. ETag carries the row version."""
    with audited_reads(request, db):
        view = repo.get_case(db, actor_of(user), case_id)
    response.headers["ETag"] = f'"{view.version}"'
    return CasePublic.of(view)


@router.get("/cases/{case_id:id}/events", summary="A case's history", **op("cases.read", 404))
def list_events(case_id: str, user: CurrentUser, db: SessionDep,
                page: PageDep) -> dict[str, Any]:
    events = repo.list_events(db, actor_of(user), case_id)
    items = [
        {"seq": e.seq, "kind": e.kind, "payload": e.payload, "actor": e.actor,
         "recorded_at": e.recorded_at.isoformat()}
        for e in page.slice(events)
    ]
    return {"items": items, "page": page.page, "page_size": page.page_size,
            "total": len(events)}


@router.post("/cases", status_code=201, summary="File a case by hand",
             **op("cases.create", 409))
def create_case(body: CaseCreate, request: Request, user: CurrentUser, db: SessionDep,
                clock: ClockDep, key: IdemKey = None) -> Any:
    """File the case and (by default) screen it at once under the policy in force."""
    now = clock.now()

    def action() -> tuple[int, Any]:
        view = repo.create_case(
            db, actor_of(user), case_id=body.case_id, person_id=body.person_id,
            charges=[Charge(**c.model_dump()) for c in body.charges],
            filing_date=body.filing_date, incident_id=body.incident_id, age=body.age, at=now,
            bail_facts=BailFacts(body.fentanyl_evidence, body.bench_warrants_5y,
                                 body.open_pwid_cases))
        if body.screen:
            view, _ = screen_stored_case(request, db, user, view.id, now)
        return 201, CasePublic.of(view).model_dump(mode="json")

    fp = fingerprint("POST", request.url.path, body.model_dump())
    return run_once(db, user.username, key, fp, now, action)


@router.post("/pad-referrals", status_code=201, summary="Police (PAD) referral, pre-charge",
             **op("pad.create", 409))
def create_pad(body: PadCreate, request: Request, user: CurrentUser, db: SessionDep,
               clock: ClockDep, key: IdemKey = None) -> Any:
    """Record the referral, screen it under the PAD policy and, if eligible, send it to the
    chosen provider; the answer says in words whether the officer may refer."""
    now = clock.now()
    policy = policy_of(request, pad.PAD_POLICY_ID)

    def action() -> tuple[int, Any]:
        result = pad.refer(
            db, actor_of(user), policy,
            case_id=body.case_id or pad.case_id_for(body.incident_id),
            person_id=body.person_id, incident_id=body.incident_id,
            contact_date=body.contact_date, offenses=body.offenses,
            police_district=body.police_district, provider_id=body.provider_id, now=now)
        return 201, pad_public(result, body.police_district, body.offenses)

    fp = fingerprint("POST", request.url.path, body.model_dump())
    return run_once(db, user.username, key, fp, now, action)


def pad_public(result: pad.PadResult, district: int, offenses: list[pad.PadOffense]
               ) -> dict[str, Any]:
    """The referral as the officer needs it back: eligible or not, in words, and why."""
    return {
        "id": result.case.id, "state": result.case.state,
        "incident_id": result.case.incident_id, "person_id": result.case.person_id,
        "contact_date": result.case.contact_date, "police_district": district,
        "offenses": [o.value for o in offenses], "eligible": result.eligible,
        "outcome": result.decision.outcome.value, "says": result.headline,
        "reason": result.reason, "pad_contacts": result.pad_contacts,
        "counted_from": list(result.counted_from),
        "referral": referral_public(result.referral) if result.referral else None,
        "decision": result.decision.to_json(),
    }
