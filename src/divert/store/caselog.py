"""The case event log: find a case, append an event through the lifecycle, read it back.

The building blocks every store module uses to write to a case; `append_to_log` is the one
place that applies the lifecycle table, bumps the case's version optimistically and writes
the event with its audit entry. Nothing here commits: the public functions that call it do.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from divert.cases import decision, lifecycle
from divert.cases.access import Actor
from divert.cases.events import (
    ChargesWithdrawn,
    DecisionConfirmed,
    DecisionOverridden,
    Disposed,
    EngagementReported,
    Event,
    OfferMade,
    ReviewApproved,
    ReviewRefused,
    Screened,
    from_payload,
    kind_of,
    to_payload,
)
from divert.cases.lifecycle import State
from divert.model.case import Charge
from divert.store import audit
from divert.store.tables import CaseEventRow, CaseRow, ChargeRow, Person
from divert.store.unit import dumps
from divert.store.views import BailFacts, CaseView, NotFound, StaleVersion

OPEN_DIVERSION = frozenset({State.DIVERTED.value, State.IN_TREATMENT.value})
# A referral with no engagement report this many days after it was made is overdue: the
# coordinator's "referred, no engagement" queue. An office's working rule, not law.
ENGAGEMENT_GRACE = timedelta(days=14)
# States in which a case can be due for something (an offer's answer, a first report).
_DUE_STATES = frozenset({State.OFFERED, State.IN_TREATMENT})
# Events that change the decision in effect, or need it (an offer needs an effective divert).
_DECISION_EVENTS = (Screened, DecisionConfirmed, DecisionOverridden, ReviewApproved,
                    ReviewRefused, OfferMade, ChargesWithdrawn, Disposed)


def case_row(session: Session, case_id: str) -> CaseRow:
    row = session.get(CaseRow, case_id) or session.scalars(
        select(CaseRow).where(CaseRow.docket_id == case_id)
    ).first()
    if row is None or row.sealed_at is not None:  # a sealed case is not there for anyone
        raise NotFound("case", case_id)
    return row


def _charges(session: Session, case_id: str) -> tuple[Charge, ...]:
    rows = session.scalars(
        select(ChargeRow).where(ChargeRow.case_id == case_id).order_by(ChargeRow.position)
    )
    return tuple(Charge(r.as_written, r.citation, r.grade, r.drug) for r in rows)


def case_view(session: Session, row: CaseRow) -> CaseView:
    return CaseView(
        id=row.id, person_id=row.person_id, state=row.state, stage=row.stage,
        filing_date=row.filing_date, contact_date=row.contact_date,
        charge_scope=row.charge_scope, pad_referred=row.pad_referred,
        incident_id=row.incident_id, docket_id=row.docket_id, age=row.age, zip=row.zip,
        source=row.source, version=row.version, charges=_charges(session, row.id),
        outcome=row.effective_outcome, machine_outcome=row.machine_outcome,
        decided_by=row.decided_by, decision_reason=row.decision_reason,
        pending_approval=row.pending_approval, due_on=row.due_on, vehicle=row.vehicle,
        bail_facts=BailFacts(row.fentanyl_evidence, row.bench_warrants_5y, row.open_pwid_cases),
    )


def effective_columns(now: decision.Effective) -> dict[str, Any]:
    """The case row's cache of the effective decision (cases/decision.py)."""
    return {"effective_outcome": now.outcome, "machine_outcome": now.machine,
            "decided_by": now.by, "decision_reason": now.reason,
            "pending_approval": now.pending.approval if now.pending else None}


def engagement_due(referred_on: date) -> date:
    """The day a referral with no engagement report becomes overdue."""
    return referred_on + ENGAGEMENT_GRACE


def insert_people(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert people that are not there yet; a concurrent insert of the same id is no error."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    table = Person.__table__
    assert isinstance(table, Table)
    statement = make(table).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
    return len(session.connection().execute(statement, rows).all())


def ensure_person(session: Session, person_id: str, link: str | None, at: datetime) -> bool:
    """Make sure the person row exists; True if this call created it."""
    if session.get(Person, person_id) is not None:
        return False
    return insert_people(session, [{"id": person_id, "person_link": link, "created_at": at,
                                    "version": 1}]) == 1


def append_to_log(
    session: Session, actor: Actor, row: CaseRow, event: Event, at: datetime,
    expected_version: int | None = None,
) -> None:
    """Check the version, apply the lifecycle, bump the version (optimistically), write the
    event and its audit entry. A caller who acted on an old version hears StaleVersion first:
    the case may have moved on, so whether the event is allowed is not the question yet."""
    expected = row.version if expected_version is None else expected_version
    if expected != row.version:
        raise StaleVersion("case", row.id, expected, row.version)
    new_state = lifecycle.apply(State(row.state), event, row.id)  # raises before any write
    seq = row.last_seq + 1
    effective: dict[str, Any] = {}
    if new_state not in _DUE_STATES or isinstance(event, EngagementReported):
        effective["due_on"] = None
    elif isinstance(event, OfferMade):
        effective["due_on"] = event.expires_on
    if isinstance(event, _DECISION_EVENTS):
        now = decision.fold(case_history(session, row.id))
        if isinstance(event, OfferMade):
            decision.require_divert(now, row.id)
        decision.check_review(now, event, actor.username)
        effective.update(effective_columns(decision.step(now, seq, event)))
    result = session.execute(
        update(CaseRow)
        .where(CaseRow.id == row.id, CaseRow.version == expected)
        .values(state=new_state.value, last_seq=seq, version=expected + 1, updated_at=at,
                **effective)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion("case", row.id, expected, expected + 1)
    payload = to_payload(event)
    session.add(CaseEventRow(
        case_id=row.id, seq=seq, kind=kind_of(event), payload=dumps(payload),
        actor=actor.username, recorded_at=at,
    ))
    audit.append(session, actor, f"event.{kind_of(event)}", f"cases/{row.id}",
                 person_id=row.person_id, detail={"seq": seq, **payload}, at=at)


def case_history(session: Session, case_id: str) -> list[Event]:
    """The case's events as domain values (for folding and checks; not audited, not exported
    to the service)."""
    rows = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq))
    return [from_payload(r.kind, json.loads(r.payload)) for r in rows]
