"""Screening a stored case: the policy in force on its date, person facts from the store,
the Decision stored verbatim. Engagement and consent data are never read on this path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request

from divert.cases.access import Actor
from divert.engines.screening import screen_one
from divert.errors import DivertError, UnknownPolicy
from divert.policy.counterfactual import Change
from divert.policy.load import find_policy
from divert.policy.model import Policy
from divert.service import messages
from divert.service.auth import actor_of
from divert.service.deps import Principal
from divert.service.errors import ApiError
from divert.store import repo
from divert.store.bail import record_recommendation
from divert.store.handles import Session
from divert.store.views import CaseView, ScreeningView


def policy_of(request: Request, policy_id: str | None = None) -> Policy:
    """The named policy (default: the service's), or 422 naming the known ones."""
    policies: dict[str, Policy] = request.app.state.policies()
    wanted = policy_id or request.app.state.settings.policy_id
    try:
        return find_policy(wanted, policies)
    except UnknownPolicy as error:
        raise ApiError(422, messages.sentence(str(error)), loc=("body", "policy_id")) from None


def screen_stored_case(
    request: Request, db: Session, user: Principal, case_id: str, now: datetime,
    expected_version: int | None = None,
) -> tuple[CaseView, ScreeningView]:
    """Screen the stored case and record the Decision; returns the case as it now stands."""
    return screen_and_store(db, actor_of(user), case_id, policy_of(request), now,
                            expected_version, bail_policy_of(request))


def bail_policy_of(request: Request) -> Policy | None:
    """The service's bail policy (DIVERT_BAIL_POLICY_ID), or None when it is switched off."""
    wanted = request.app.state.settings.bail_policy_id
    policies: dict[str, Policy] = request.app.state.policies()
    return policies.get(wanted) if wanted else None


def supervision_policy_of(request: Request) -> Policy:
    """The service's supervision policy, or 422 naming the known ones."""
    return policy_of(request, request.app.state.settings.supervision_policy_id)


def screen_and_store(
    db: Session, actor: Actor, case_id: str, policy: Policy, now: datetime,
    expected_version: int | None = None, bail_policy: Policy | None = None,
) -> tuple[CaseView, ScreeningView]:
    """Screen under the version in force on the case's date; store the Decision verbatim.

    With `bail_policy`, the bail recommendation is made at the same time and stored beside
    the screening; a case dated before any version of it gets none (the page says so).
    """
    view = repo.get_case(db, actor, case_id)
    case = repo.screening_case(db, view)
    try:
        decision = screen_one(case, policy)
    except DivertError as exc:  # e.g. no version of the policy in force on the filing date
        raise ApiError(422, str(exc), loc=("path", "case_id")) from exc
    stored = repo.record_screening(db, actor, view.id, decision, expected_version, now)
    if bail_policy is not None:
        try:
            bail = screen_one(case, bail_policy)
        except DivertError:  # no version of the bail policy in force on the filing date
            bail = None
        if bail is not None:
            record_recommendation(db, view.id, stored.id, bail, now)
    return repo.get_case(db, actor, case_id), stored


def what_would_change(request: Request, db: Session, view: CaseView,
                      decision: dict[str, Any]) -> list[Change]:
    """The single changes of the case's facts (as they stand now) that would give another
    outcome or vehicle under the version that decided it (policy/counterfactual.py)."""
    from divert.engines.inprocess import case_facts, readings_of
    from divert.policy.counterfactual import what_would_change as changes_of

    policy = request.app.state.policies().get(decision["policy"]["id"])
    version = next((v for v in policy.versions if v.version == decision["policy"]["version"]),
                   None) if policy else None
    if version is None:
        return []
    case = repo.screening_case(db, view)
    shown = [c.get("as_read") or c.get("citation") or c["as_written"]
             for c in decision["charges"]]
    facts = case_facts(case, readings_of(case), frozenset(decision.get("assumptions") or ()))
    return list(changes_of(version, facts, shown))
