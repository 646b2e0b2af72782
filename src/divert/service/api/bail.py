"""Bail and supervision on a case: the recommendation made at screening, the request the ADA
made, the court's bail, the probation asked at disposition, and approvals of departures.

Whether a request departs from the recommendation, and whose approval that needs, is the
policy's (`allows`, `override_approval`, `terms`: divert.policy.departure); the roles that
hold each approval are permissions.yaml's, as for reviews.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.cases import access
from divert.cases import bail as bail_fold
from divert.cases.events import (
    BailRequestApproved,
    BailRequested,
    BailRequestRefused,
    CourtBailSet,
    Event,
    SupervisionRequested,
)
from divert.engines.screening import screen_one
from divert.errors import DivertError
from divert.policy.departure import Departure, bail_departure, supervision_departure
from divert.policy.explain import Outcome
from divert.policy.model import Policy, PolicyVersion
from divert.service import messages
from divert.service.auth import actor_of
from divert.service.casework import apply_event
from divert.service.concurrency import IfMatch
from divert.service.deps import ClockDep, CurrentUser, Principal, SessionDep, op
from divert.service.errors import ApiError
from divert.service.schemas.bail import (
    BailApprovalCreate,
    BailPublic,
    BailRequestCreate,
    CourtBailCreate,
    SupervisionCreate,
)
from divert.service.screening import supervision_policy_of
from divert.store import repo
from divert.store.bail import bail_of_case

router = APIRouter(prefix="/api/cases/{case_id:id}", tags=["bail"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
MIN_REASON = 10


@router.get("/bail", summary="Bail: recommendation, request and court's bail",
            **op("cases.read", 404))
def get_bail(case_id: str, user: CurrentUser, db: SessionDep) -> BailPublic:
    return BailPublic.of(bail_of_case(db, actor_of(user), case_id))


def _version(request: Request, policy: dict[str, Any]) -> PolicyVersion | None:
    found: Policy | None = request.app.state.policies().get(policy["id"])
    return next((v for v in found.versions if v.version == policy["version"]), None) \
        if found else None


def _reason_for(departure: Departure | None, reason: str) -> str | None:
    """The approval a departure needs; 422 when its written reason is missing."""
    if departure is None:
        return None
    if len(reason.strip()) < MIN_REASON:
        raise ApiError(422, f"This request departs from the policy ({departure.why}) and "
                       f"needs the approval of {departure.approver}: "
                       + messages.REASON_REQUIRED.format(min=MIN_REASON),
                       loc=("body", "reason"))
    return departure.approval


def _amount(kind: str, amount: int | None) -> None:
    if kind in ("cash", "unsecured") and amount is None:
        raise ApiError(422, f"{kind.capitalize()} bail needs its amount in dollars.",
                       loc=("body", "amount"))


@router.post("/bail/requests", status_code=201, summary="Record the bail the ADA asked for",
             **op("bail.create", 404, 409, 412, 428))
def request_bail(case_id: str, body: BailRequestCreate, request: Request, user: CurrentUser,
                 db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                 key: IdemKey = None) -> Any:
    event = request_event(request, db, user, case_id, body, clock.now().date())
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


def request_event(request: Request, db: SessionDep, user: Principal, case_id: str,
                  body: BailRequestCreate, today: Any) -> BailRequested:
    """The request, with the approval it waits for when it departs from the recommendation."""
    _amount(body.requested, body.amount)
    view = bail_of_case(db, actor_of(user), case_id)
    departure = None
    if view.recommendation is not None:
        d = view.recommendation.decision
        version = _version(request, d["policy"])
        if version is not None:
            departure = bail_departure(version, Outcome(d["outcome"]), d["because"],
                                       Outcome(body.requested))
    return BailRequested(requested=body.requested, requested_on=body.on or today,
                         by=user.username, amount=body.amount, reason=body.reason.strip(),
                         approval=_reason_for(departure, body.reason))


def court_event(body: CourtBailCreate, today: Any) -> CourtBailSet:
    _amount(body.bail_type, body.amount)
    return CourtBailSet(bail_type=body.bail_type, set_on=body.on or today, amount=body.amount)


@router.post("/bail/court", status_code=201, summary="Record the bail the court set",
             **op("bail.create", 404, 409, 412, 428))
def court_bail(case_id: str, body: CourtBailCreate, request: Request, user: CurrentUser,
               db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
               key: IdemKey = None) -> Any:
    event = court_event(body, clock.now().date())
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


@router.post("/bail/approval", status_code=201,
             summary="Approve or refuse a bail or supervision request that waits",
             **op("approvals.create", 403, 404, 409, 412, 428))
def decide_bail_approval(case_id: str, body: BailApprovalCreate, request: Request,
                         user: CurrentUser, db: SessionDep, clock: ClockDep,
                         if_match: IfMatch = None, key: IdemKey = None) -> Any:
    event: Event
    if body.decision == "approve":
        event = BailRequestApproved(request_seq=body.request_seq, by=user.username)
    else:
        if len(body.reason.strip()) < MIN_REASON:
            raise ApiError(422, messages.REASON_REQUIRED.format(min=MIN_REASON),
                           loc=("body", "reason"))
        event = BailRequestRefused(request_seq=body.request_seq, by=user.username,
                                   reason=body.reason.strip())
    history = bail_of_case(db, actor_of(user), case_id).history
    try:
        approval = bail_fold.check_decision(history, event, user.username)
    except bail_fold.NoSuchRequest as exc:
        raise ApiError(409, str(exc), loc=("body", "request_seq")) from exc
    if not access.may_approve(user.role, approval):
        raise ApiError(403, f"The request waits for the {approval.replace('_', ' ')}'s "
                       f"approval, which the {user.role.replace('_', ' ')} role does not hold.")
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


@router.post("/supervision", status_code=201,
             summary="Record the probation asked at disposition",
             **op("bail.create", 404, 409, 412, 422, 428))
def request_supervision(case_id: str, body: SupervisionCreate, request: Request,
                        user: CurrentUser, db: SessionDep, clock: ClockDep,
                        if_match: IfMatch = None, key: IdemKey = None) -> Any:
    event = supervision_event(request, db, user, case_id, body, clock.now().date())
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


def supervision_event(request: Request, db: SessionDep, user: Principal, case_id: str,
                      body: SupervisionCreate, today: Any) -> SupervisionRequested:
    """The request, with the supervision policy's recommendation for the case as it stands."""
    from dataclasses import replace

    policy = supervision_policy_of(request)
    view = repo.get_case(db, actor_of(user), case_id)
    case = replace(repo.screening_case(db, view),
                   mandatory_supervision_months=body.mandatory_months)
    try:
        decision = screen_one(case, policy)
    except DivertError as exc:
        raise ApiError(422, str(exc), loc=("path", "case_id")) from exc
    version = next(v for v in policy.versions if v.version == decision.policy.version)
    departure = supervision_departure(version, decision.outcome, decision.because, body.months)
    return SupervisionRequested(
        months=body.months, requested_on=body.on or today, by=user.username,
        recommendation=decision.outcome.value, mandatory_months=body.mandatory_months,
        reason=body.reason.strip(), approval=_reason_for(departure, body.reason))


analytics_router = APIRouter(prefix="/api/analytics", tags=["analytics"])


@analytics_router.get("/bail", summary="Bail over the live case store",
                      **op("analytics.read"))
def live_bail_figures(request: Request, user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    """The bail recommendation against the court's first bail, the requests that departed
    and their approvals, and the probation asked at disposition against the supervision
    policy's caps and aims (pseudonymous counts; the read is audited)."""
    from divert.analytics.supervision import averages
    from divert.store.bail import live_bail

    live = live_bail(db, actor_of(user))
    policy = supervision_policy_of(request)
    terms = averages(policy.latest(), live.supervision)
    return {
        "recommendations": live.recommendations,
        "against_court": [{"recommendation": r, "court": c, "cases": n}
                          for (r, c), n in sorted(live.against_court.items())],
        "requests": live.requests,
        "departures": live.departures,
        "supervision": [{
            "cap": t.outcome, "requests": t.requests, "mean_months": t.mean_months,
            "median_months": t.median_months, "aim_months": t.aim_months,
            "cap_months": t.cap_months, "over_cap": t.over_cap, "meets_aim": t.meets_aim,
        } for t in terms],
        "policy": {"id": policy.id, "version": policy.latest().version},
    }
