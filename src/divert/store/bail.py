"""Bail in the store: the bail policy's recommendation, kept verbatim beside each screening,
and one case's bail and supervision read back beside it (requests and the court's bail are
case events: cases/bail.py folds them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases import bail as bail_fold
from divert.cases.access import Actor
from divert.policy.explain import Decision
from divert.store import audit
from divert.store.caselog import case_history, case_row
from divert.store.tables import BailRecommendationRow
from divert.store.unit import as_utc, dumps, unit_of_work, utcnow


@dataclass(frozen=True, slots=True)
class RecommendationView:
    id: int
    case_id: str
    outcome: str
    policy_id: str
    policy_version: int
    policy_sha256: str
    decision: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class BailView:
    """A case's bail recommendation (latest), requests, court bail and supervision requests."""

    case_id: str
    recommendation: RecommendationView | None
    history: bail_fold.BailHistory


def _view(row: BailRecommendationRow) -> RecommendationView:
    return RecommendationView(row.id, row.case_id, row.outcome, row.policy_id,
                              row.policy_version, row.policy_sha256,
                              json.loads(row.decision_json), as_utc(row.created_at))


def store_recommendation(session: Session, case_id: str, screening_id: int | None,
                         decision: Decision, at: datetime | None = None) -> RecommendationView:
    """Keep the bail Decision verbatim with its policy's identity (no commit)."""
    row = BailRecommendationRow(
        case_id=case_id, screening_id=screening_id, outcome=decision.outcome.value,
        policy_id=decision.policy.id, policy_version=decision.policy.version,
        policy_sha256=decision.policy.sha256, as_of=decision.as_of,
        decision_json=dumps(decision.to_json()), created_at=utcnow(at))
    session.add(row)
    session.flush()
    return _view(row)


@unit_of_work
def record_recommendation(session: Session, case_id: str, screening_id: int | None,
                          decision: Decision, at: datetime | None = None) -> RecommendationView:
    """store_recommendation, committed."""
    return store_recommendation(session, case_id, screening_id, decision, at)


def latest_recommendation(session: Session, case_id: str) -> RecommendationView | None:
    row = session.scalars(select(BailRecommendationRow)
                          .where(BailRecommendationRow.case_id == case_id)
                          .order_by(BailRecommendationRow.id.desc()).limit(1)).first()
    return _view(row) if row is not None else None


@unit_of_work
def bail_of_case(session: Session, actor: Actor, case_id: str) -> BailView:
    """The case's bail, side by side; the read is audited like any read of a person's case."""
    row = case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}/bail", row.person_id)
    return BailView(row.id, latest_recommendation(session, row.id),
                    bail_fold.fold(case_history(session, row.id)))


@dataclass(frozen=True, slots=True)
class LiveBail:
    """Bail over the live store: recommendation against the court's first bail, departures,
    and the probation asked at disposition (recommendation, months) for the averages."""

    recommendations: dict[str, int]
    against_court: dict[tuple[str, str], int]  # (recommendation, court's first bail) -> cases
    requests: dict[str, int]  # request status -> requests
    departures: dict[str, int]  # approval status of requests that departed -> requests
    supervision: tuple[tuple[str, int], ...]  # (recommendation, months) in effect or approved


@unit_of_work
def live_bail(session: Session, actor: Actor) -> LiveBail:
    """Counts over every case with a bail recommendation or a bail event (audited once)."""
    from collections import Counter

    from divert.store.tables import CaseEventRow

    audit.append(session, actor, "analytics.bail", "cases", detail={})
    latest: dict[str, str] = {}
    for case_id, outcome in session.execute(
            select(BailRecommendationRow.case_id, BailRecommendationRow.outcome)
            .order_by(BailRecommendationRow.id)):
        latest[case_id] = outcome
    kinds = ("BailRequested", "BailRequestApproved", "BailRequestRefused", "CourtBailSet",
             "SupervisionRequested")
    cases = {r for (r,) in session.execute(select(CaseEventRow.case_id)
                                           .where(CaseEventRow.kind.in_(kinds)).distinct())}
    against: Counter[tuple[str, str]] = Counter()
    requests: Counter[str] = Counter()
    departures: Counter[str] = Counter()
    supervision: list[tuple[str, int]] = []
    for case_id in sorted(cases | set(latest)):
        history = bail_fold.fold(case_history(session, case_id))
        court = history.court[0][1].bail_type if history.court else "not recorded"
        against[(latest.get(case_id, "none"), court)] += 1
        for r in history.requests:
            requests[r.status] += 1
            if r.event.approval is not None:
                departures[r.status] += 1
        supervision.extend((r.event.recommendation, r.event.months)
                           for r in history.supervision if r.status in ("in_effect", "approved")
                           and isinstance(r.event, bail_fold.SupervisionRequested))
    return LiveBail(dict(Counter(latest.values())), dict(against), dict(requests),
                    dict(departures), tuple(supervision))
