"""ADA review: confirm the stored decision, or override it with a written reason; approvals.

An override is its own event (DecisionOverridden); the stored Decision is never edited. Who
must approve a review is policy data: the deciding clauses' `approval` (for a reviewer who
does not hold it) and `override_approval` (or the office's default in permissions.yaml, for
every override). Such a review waits for another person who holds the approval
(cases/decision.py); approving and refusing are events too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from divert.cases import access
from divert.cases.events import (
    DecisionConfirmed,
    DecisionOverridden,
    Event,
    ReviewApproved,
    ReviewRefused,
)
from divert.service import messages
from divert.service.auth import actor_of
from divert.service.casework import apply_event
from divert.service.concurrency import IfMatch
from divert.service.deps import ClockDep, CurrentUser, Principal, SessionDep, op
from divert.service.errors import ApiError
from divert.service.schemas.cases import ApprovalCreate, ReviewCreate
from divert.store import repo

router = APIRouter(prefix="/api/cases/{case_id:id}/reviews", tags=["reviews"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
MIN_REASON = 10


def needed_approval(request: Request, decision: dict[str, Any], action: str,
                    role: str) -> str | None:
    """The approval a review of `decision` by `role` needs before it takes effect, or None."""
    policies = request.app.state.policies()
    policy = policies.get(decision["policy"]["id"])
    version = next((v for v in policy.versions if v.version == decision["policy"]["version"]),
                   None) if policy else None
    deciding = [r for r in version.rules if r.id in decision["because"]] if version else []
    if action == "override":
        named = [r.override_approval for r in deciding if r.override_approval]
        return _strongest(named) or access.permissions().default_override_approval
    approval = _strongest([r.approval for r in deciding if r.approval])
    return None if approval is None or access.may_approve(role, approval) else approval


def _strongest(approvals: list[str]) -> str | None:
    """The approval held by the fewest roles (the District Attorney's over a supervisor's)."""
    held = access.permissions().approvals
    return min(approvals, key=lambda a: len(held.get(a, ())), default=None)


def review_event(db: SessionDep, user: Principal, case_id: str, body: ReviewCreate,
                 request: Request) -> Event:
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
    approval = needed_approval(request, latest.decision, body.action, user.role)
    if body.action == "confirm":
        return DecisionConfirmed(screening_id=latest.id, by=user.username, approval=approval)
    assert body.outcome is not None
    return DecisionOverridden(screening_id=latest.id, outcome=body.outcome.value,
                              reason=body.reason.strip(), by=user.username, approval=approval)


def approval_event(db: SessionDep, user: Principal, case_id: str,
                   body: ApprovalCreate) -> Event:
    """Approve or refuse the review waiting on the case, if the user's role holds its approval."""
    case = repo.get_case(db, actor_of(user), case_id)
    if case.pending_approval is None:
        raise ApiError(409, f"Case '{case_id}' has no review waiting for approval.",
                       loc=("path", "case_id"))
    if not access.may_approve(user.role, case.pending_approval):
        raise ApiError(403, f"The review on case '{case_id}' waits for the "
                       f"{case.pending_approval.replace('_', ' ')}'s approval, which the "
                       f"{user.role.replace('_', ' ')} role does not hold.")
    seq = repo.pending_review_seq(db, case_id)
    if body.decision == "approve":
        return ReviewApproved(review_seq=seq, by=user.username, note=body.reason.strip())
    if len(body.reason.strip()) < MIN_REASON:
        raise ApiError(422, messages.REASON_REQUIRED.format(min=MIN_REASON),
                       loc=("body", "reason"))
    return ReviewRefused(review_seq=seq, by=user.username, reason=body.reason.strip())


@router.post("", status_code=201, summary="Confirm or override the decision",
             **op("reviews.create", 404, 409, 412, 428))
def create_review(case_id: str, body: ReviewCreate, request: Request, user: CurrentUser,
                  db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                  key: IdemKey = None) -> Any:
    event = review_event(db, user, case_id, body, request)
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())


@router.post("/approval", status_code=201, summary="Approve or refuse the review waiting",
             **op("approvals.create", 403, 404, 409, 412, 428))
def decide_approval(case_id: str, body: ApprovalCreate, request: Request, user: CurrentUser,
                    db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                    key: IdemKey = None) -> Any:
    event = approval_event(db, user, case_id, body)
    return apply_event(db, request, user, case_id, event, body.model_dump(mode="json"),
                       if_match, key, clock.now())
