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
