"""The case repository: the ONLY code that talks SQL to the case store.

Every public write is one unit of work (store/unit.py): the change, its case event and its
audit entry commit together, or nothing is written; `atomic(session)` joins several calls
into one transaction. Every read of a person's record is audited. Sibling modules hold the
rest of the store's API: treatment.py (providers, referrals, consents, engagement),
accounts.py (users, lockout, sessions), idempotency.py, importer.py (bulk import), audit.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from divert.cases import lifecycle
from divert.cases.access import Actor
from divert.cases.events import (
    CaseFiled,
    Event,
    PadReferred,
    ReArrestRecorded,
    Screened,
    from_payload,
    kind_of,
    to_payload,
)
from divert.cases.lifecycle import State
from divert.cases.model import Charge, ChargeScope, PersonRecord, Stage
from divert.policy.explain import Decision
from divert.store import audit
from divert.store.tables import CaseEventRow, CaseRow, ChargeRow, Person, ScreeningRow
from divert.store.unit import as_utc, atomic, dumps, unit_of_work, utcnow
from divert.store.views import (
    CaseFilters,
    CaseView,
    Conflict,
    EventView,
    NotFound,
    Page,
    ScreeningView,
    StaleVersion,
)

__all__ = [
    "CaseFilters", "CaseView", "Conflict", "EventView", "NotFound", "Page", "ScreeningView",
    "StaleVersion", "append_event", "atomic", "create_case", "get_case", "latest_outcomes",
    "latest_screening",
    "list_cases", "list_events", "list_screenings", "person_record", "record_pad_referral",
    "record_screening",
]

OPEN_DIVERSION = frozenset({State.DIVERTED.value, State.IN_TREATMENT.value})


def _case_row(session: Session, case_id: str) -> CaseRow:
    row = session.get(CaseRow, case_id) or session.scalars(
        select(CaseRow).where(CaseRow.docket_id == case_id)
    ).first()
    if row is None:
        raise NotFound("case", case_id)
    return row


def _charges(session: Session, case_id: str) -> tuple[Charge, ...]:
    rows = session.scalars(
        select(ChargeRow).where(ChargeRow.case_id == case_id).order_by(ChargeRow.position)
    )
    return tuple(Charge(r.as_written, r.citation, r.grade, r.drug) for r in rows)


def latest_outcomes(session: Session, case_ids: Sequence[str]) -> dict[str, str]:
    """The latest screening outcome of each case that has one, in one query (not audited:
    callers use it only beside a listing that is)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(ScreeningRow.case_id, ScreeningRow.outcome)
        .where(ScreeningRow.case_id.in_(list(case_ids))).order_by(ScreeningRow.id))
    return {case_id: outcome for case_id, outcome in rows}


def _view(session: Session, row: CaseRow, outcomes: dict[str, str] | None = None) -> CaseView:
    if outcomes is None:
        outcomes = latest_outcomes(session, [row.id])
    return CaseView(
        id=row.id, person_id=row.person_id, state=row.state, stage=row.stage,
        filing_date=row.filing_date, contact_date=row.contact_date,
        charge_scope=row.charge_scope, pad_referred=row.pad_referred,
        incident_id=row.incident_id, docket_id=row.docket_id, age=row.age, zip=row.zip,
        source=row.source, version=row.version, charges=_charges(session, row.id),
        outcome=outcomes.get(row.id),
    )


def _ensure_person(session: Session, person_id: str, link: str | None, at: datetime) -> bool:
    if session.get(Person, person_id) is not None:
        return False
    session.add(Person(id=person_id, person_link=link, created_at=at, version=1))
    session.flush()
    return True


def _append(
    session: Session, actor: Actor, row: CaseRow, event: Event, at: datetime,
    expected_version: int | None = None,
) -> None:
    """Apply the lifecycle, bump the version (optimistically), write the event and its audit."""
    new_state = lifecycle.apply(State(row.state), event, row.id)  # raises before any write
    expected = row.version if expected_version is None else expected_version
    if expected != row.version:
        raise StaleVersion("case", row.id, expected, row.version)
    seq = row.last_seq + 1
    result = session.execute(
        update(CaseRow)
        .where(CaseRow.id == row.id, CaseRow.version == expected)
        .values(state=new_state.value, last_seq=seq, version=expected + 1, updated_at=at)
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


def _diverted_case_ids(session: Session, person_id: str, excluding: str) -> list[str]:
    query = (
        select(CaseEventRow.case_id).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
        .where(CaseRow.person_id == person_id, CaseRow.id != excluding,
               CaseEventRow.kind.in_(lifecycle.DIVERSION_MARKERS))
        .distinct().order_by(CaseEventRow.case_id)
    )
    return list(session.scalars(query))


def file_case(
    session: Session, actor: Actor, *, case_id: str, person_id: str,
    charges: Sequence[Charge], filing_date: date, incident_id: str | None = None,
    charge_scope: ChargeScope = ChargeScope.COMPLETE, person_link: str | None = None,
    age: int | None = None, zip: str | None = None, source: str = "manual",
    at: datetime | None = None,
) -> tuple[CaseView, int]:
    """File a case without committing (import batches these); returns it and re-arrests made.

    If `incident_id` names a PAD referral already stored, the filing is recorded on that same
    case (PAD came first; the incident is never counted twice) and `case_id` becomes its
    docket id. A new case for a person with an open or past diversion records a
    ReArrestRecorded event on each such case.
    """
    now = utcnow(at)
    pad = None
    if incident_id is not None:
        pad = session.scalars(select(CaseRow).where(CaseRow.incident_id == incident_id)).first()
    if pad is None and (session.get(CaseRow, case_id) is not None or session.scalars(
        select(CaseRow.id).where(CaseRow.docket_id == case_id)).first() is not None):
        raise Conflict(f"case {case_id!r} already exists")
    _ensure_person(session, person_id, person_link, now)
    event = CaseFiled(filing_date, tuple(c.as_written for c in charges), incident_id,
                      pad_first=pad is not None)
    if pad is not None:
        if pad.person_id != person_id:
            raise Conflict(f"incident {incident_id!r} belongs to another person's PAD referral")
        row = pad
        row.docket_id, row.stage, row.filing_date = case_id, Stage.CHARGED.value, filing_date
        row.charge_scope, row.pad_referred = charge_scope.value, True
    else:
        row = CaseRow(
            id=case_id, person_id=person_id, incident_id=incident_id, stage=Stage.CHARGED.value,
            state=State.NEW.value, filing_date=filing_date, charge_scope=charge_scope.value,
            pad_referred=False, age=age, zip=zip, source=source, last_seq=0,
            created_at=now, updated_at=now, version=1,
        )
        session.add(row)
    session.add_all(
        ChargeRow(case_id=row.id, position=i, as_written=c.as_written, citation=c.citation,
                  grade=c.grade, drug=c.drug) for i, c in enumerate(charges)
    )
    session.flush()
    _append(session, actor, row, event, now)
    rearrests = 0
    if pad is None:
        for other_id in _diverted_case_ids(session, person_id, row.id):
            _append(session, actor, _case_row(session, other_id),
                    ReArrestRecorded(row.id, filing_date), now)
            rearrests += 1
    return _view(session, row), rearrests


@unit_of_work
def create_case(
    session: Session, actor: Actor, *, case_id: str, person_id: str,
    charges: Sequence[Charge], filing_date: date, incident_id: str | None = None,
    charge_scope: ChargeScope = ChargeScope.COMPLETE, age: int | None = None,
    zip: str | None = None, at: datetime | None = None,
) -> CaseView:
    """File one case by hand and commit it with its events and audit entries (see file_case)."""
    return file_case(
        session, actor, case_id=case_id, person_id=person_id, charges=charges,
        filing_date=filing_date, incident_id=incident_id, charge_scope=charge_scope, age=age,
        zip=zip, at=at,
    )[0]


@unit_of_work
def record_pad_referral(
    session: Session, actor: Actor, *, case_id: str, person_id: str, incident_id: str,
    contact_date: date, provider_id: str | None = None, at: datetime | None = None,
) -> CaseView:
    """A police (PAD) referral before any charge: a pre-charge case keyed by its incident."""
    now = utcnow(at)
    if session.get(CaseRow, case_id) is not None:
        raise Conflict(f"case {case_id!r} already exists")
    if session.scalars(select(CaseRow.id).where(CaseRow.incident_id == incident_id)).first():
        raise Conflict(f"incident {incident_id!r} already has a case")
    _ensure_person(session, person_id, None, now)
    row = CaseRow(
        id=case_id, person_id=person_id, incident_id=incident_id, stage=Stage.PRE_CHARGE.value,
        state=State.NEW.value, contact_date=contact_date, charge_scope=ChargeScope.COMPLETE.value,
        pad_referred=True, source="pad", last_seq=0, created_at=now, updated_at=now, version=1,
    )
    session.add(row)
    session.flush()
    _append(session, actor, row,
            PadReferred(incident_id, contact_date, actor.username, provider_id), now)
    return _view(session, row)


@unit_of_work
def get_case(session: Session, actor: Actor, case_id: str) -> CaseView:
    """One case with its charges; the read is audited."""
    row = _case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}", row.person_id)
    return _view(session, row)


@unit_of_work
def list_cases(
    session: Session, actor: Actor, page: int = 1, page_size: int = 50,
    filters: CaseFilters | None = None,
) -> Page[CaseView]:
    """One page of cases, newest filing first; the listing is audited."""
    f = filters or CaseFilters()
    query = select(CaseRow)
    for column, value in ((CaseRow.state, f.state), (CaseRow.stage, f.stage),
                          (CaseRow.person_id, f.person_id)):
        if value is not None:
            query = query.where(column == value)
    if f.filed_from is not None:
        query = query.where(CaseRow.filing_date >= f.filed_from)
    if f.filed_to is not None:
        query = query.where(CaseRow.filing_date <= f.filed_to)
    if f.outcome is not None:
        inner = aliased(ScreeningRow)
        latest = (select(func.max(inner.id)).where(inner.case_id == CaseRow.id)
                  .correlate(CaseRow).scalar_subquery())
        query = query.join(ScreeningRow, ScreeningRow.id == latest).where(
            ScreeningRow.outcome == f.outcome)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(CaseRow.filing_date.desc(), CaseRow.id)
        .offset((max(page, 1) - 1) * page_size).limit(page_size)
    ).all()
    audit.append(session, actor, "list", "cases", detail={
        "page": page, "page_size": page_size, "total": total, "case_ids": [r.id for r in rows]})
    outcomes = latest_outcomes(session, [r.id for r in rows])
    return Page(tuple(_view(session, r, outcomes) for r in rows), page, page_size, total)


@unit_of_work
def list_events(session: Session, actor: Actor, case_id: str) -> list[EventView]:
    """A case's event history in order; the read is audited."""
    row = _case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}/events", row.person_id)
    events = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == row.id).order_by(CaseEventRow.seq))
    return [EventView(e.case_id, e.seq, e.kind, json.loads(e.payload), e.actor,
                      as_utc(e.recorded_at)) for e in events]


def case_history(session: Session, case_id: str) -> list[Event]:
    """The case's events as domain values (for folding and checks; not audited, not exported
    to the service)."""
    rows = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq))
    return [from_payload(r.kind, json.loads(r.payload)) for r in rows]


@unit_of_work
def append_event(
    session: Session, actor: Actor, case_id: str, event: Event,
    expected_version: int | None = None, at: datetime | None = None,
) -> CaseView:
    """Append one event after the lifecycle allows it; IllegalTransition or StaleVersion →
    nothing written."""
    row = _case_row(session, case_id)
    _append(session, actor, row, event, utcnow(at), expected_version)
    session.refresh(row)
    return _view(session, row)


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
    row = _case_row(session, case_id)
    screening = ScreeningRow(
        case_id=row.id, outcome=decision.outcome.value, policy_id=decision.policy.id,
        policy_version=decision.policy.version, policy_sha256=decision.policy.sha256,
        engine=decision.engine, as_of=decision.as_of, decision_json=dumps(decision.to_json()),
        created_at=now,
    )
    session.add(screening)
    session.flush()
    _append(session, actor, row, Screened(
        screening.id, decision.outcome.value, decision.policy.id, decision.policy.version,
        decision.policy.sha256), now, expected_version)
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
    row = _case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}/screenings", row.person_id)
    rows = session.scalars(
        select(ScreeningRow).where(ScreeningRow.case_id == row.id).order_by(ScreeningRow.id))
    return [_screening_view(r) for r in rows]


def latest_screening(session: Session, actor: Actor, case_id: str) -> ScreeningView | None:
    """The case's most recent screening, or None (audited, committed)."""
    found = list_screenings(session, actor, case_id)
    return found[-1] if found else None


def person_record(session: Session, person_id: str, excluding_case: str) -> PersonRecord:
    """Person facts for screening, from the store: open diversions and earlier PAD contacts.

    Prior convictions stay unknown (None): the store does not hold criminal history.
    Engagement reports and consents are never read here.
    """
    open_div = session.scalar(select(func.count()).select_from(CaseRow).where(
        CaseRow.person_id == person_id, CaseRow.id != excluding_case,
        CaseRow.state.in_(OPEN_DIVERSION))) or 0
    pad = session.scalar(select(func.count()).select_from(CaseRow).where(
        CaseRow.person_id == person_id, CaseRow.id != excluding_case,
        CaseRow.pad_referred.is_(True))) or 0
    return PersonRecord(person_id, None, open_div, pad, None)
