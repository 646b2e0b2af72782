"""Screenings in the store: each Decision kept verbatim with its policy's identity.

An ADA override is a separate event (DecisionOverridden); nothing here ever edits a stored
decision.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.cases.events import Screened
from divert.policy.explain import Decision
from divert.store import audit
from divert.store.caselog import append_to_log, case_row
from divert.store.tables import ScreeningRow
from divert.store.unit import as_utc, dumps, unit_of_work, utcnow
from divert.store.views import ScreeningView


def _screening_view(row: ScreeningRow) -> ScreeningView:
    return ScreeningView(
        row.id, row.case_id, row.outcome, row.policy_id, row.policy_version, row.policy_sha256,
        row.engine, row.as_of, json.loads(row.decision_json), as_utc(row.created_at))


def store_screening(
    session: Session, actor: Actor, case_id: str, decision: Decision,
    expected_version: int | None = None, at: datetime | None = None,
) -> ScreeningView:
    """Store a Decision verbatim and append Screened, without committing (import batches)."""
    now = utcnow(at)
    row = case_row(session, case_id)
    screening = ScreeningRow(
        case_id=row.id, outcome=decision.outcome.value, policy_id=decision.policy.id,
        policy_version=decision.policy.version, policy_sha256=decision.policy.sha256,
        engine=decision.engine, as_of=decision.as_of, decision_json=dumps(decision.to_json()),
        created_at=now,
    )
    session.add(screening)
    session.flush()
    append_to_log(session, actor, row, Screened(
        screening.id, decision.outcome.value, decision.policy.id, decision.policy.version,
        decision.policy.sha256), now, expected_version)
    session.refresh(row)
    row.vehicle = decision.vehicle if decision.outcome.value == "divert" else None
    return _screening_view(screening)


@unit_of_work
def record_screening(
    session: Session, actor: Actor, case_id: str, decision: Decision,
    expected_version: int | None = None, at: datetime | None = None,
) -> ScreeningView:
    """Store a screening Decision verbatim (with policy id, version, sha256) and commit."""
    return store_screening(session, actor, case_id, decision, expected_version, at)


@unit_of_work
def list_screenings(session: Session, actor: Actor, case_id: str) -> list[ScreeningView]:
    """Every screening of a case, oldest first; the read is audited."""
    row = case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}/screenings", row.person_id)
    rows = session.scalars(
        select(ScreeningRow).where(ScreeningRow.case_id == row.id).order_by(ScreeningRow.id))
    return [_screening_view(r) for r in rows]


def latest_screening(session: Session, actor: Actor, case_id: str) -> ScreeningView | None:
    """The case's most recent screening, or None (audited, committed)."""
    found = list_screenings(session, actor, case_id)
    return found[-1] if found else None
