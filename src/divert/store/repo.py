"""The case repository: filing, reading, listing and changing cases in the case store.

Only `divert.store` talks SQL (an import-linter contract keeps the service off SQLAlchemy);
this module holds the case aggregate. Every public write is one unit of work
(store/unit.py): the change, its case event and its audit entry commit together, or nothing
is written; `atomic(session)` joins several calls into one transaction. Every read of a
person's record is audited. Sibling modules hold the rest of the store's API: treatment.py
(providers, referrals, consents, engagement), accounts.py (users, lockout, sessions),
idempotency.py, importer.py (bulk import), audit.py.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from divert.cases import checks, decision, lifecycle
from divert.cases.access import Actor
from divert.cases.events import (
    CaseFiled,
    Event,
    OfferAccepted,
    OfferDeclined,
    OfferExpired,
    OfferMade,
    PadReferred,
    ReArrestRecorded,
)
from divert.cases.lifecycle import State
from divert.errors import InputRefused
from divert.model.case import Case, Charge, ChargeScope, PersonRecord, Stage
from divert.store import audit
from divert.store.caselog import (
    OPEN_DIVERSION,
    append_to_log,
    case_history,
    case_row,
    case_view,
    ensure_person,
)
from divert.store.screenings import (
    latest_screening,
    list_screenings,
    record_screening,
    store_screening,
)
from divert.store.tables import CaseEventRow, CaseRow, ChargeRow, ReferralRow, WhatIfRow
from divert.store.unit import as_utc, atomic, unit_of_work, utcnow
from divert.store.views import (
    PROPOSAL,
    BailFacts,
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
    "StaleVersion", "append_event", "atomic", "case_history", "create_case", "expire_offers",
    "file_case", "get_case", "latest_screening", "list_cases", "list_events",
    "list_screenings", "pending_review_seq", "person_record", "record_pad_referral",
    "record_screening", "store_screening",
]


COUNT_CAP = 10_000


def _diverted_case_ids(session: Session, person_id: str, excluding: str) -> list[str]:
    query = (
        select(CaseEventRow.case_id).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
        .where(CaseRow.person_id == person_id, CaseRow.id != excluding,
               CaseRow.sealed_at.is_(None),
               CaseEventRow.kind.in_(lifecycle.DIVERSION_MARKERS))
        .distinct().order_by(CaseEventRow.case_id)
    )
    return list(session.scalars(query))


def _add_charges(session: Session, case_id: str, charges: Sequence[Charge]) -> None:
    session.add_all(
        ChargeRow(case_id=case_id, position=i, as_written=c.as_written, citation=c.citation,
                  grade=c.grade, drug=c.drug) for i, c in enumerate(charges))


def file_case(
    session: Session, actor: Actor, *, case_id: str, person_id: str,
    charges: Sequence[Charge], filing_date: date, incident_id: str | None = None,
    charge_scope: ChargeScope = ChargeScope.COMPLETE, person_link: str | None = None,
    age: int | None = None, zip: str | None = None, source: str = "manual",
    at: datetime | None = None, bail_facts: BailFacts | None = None,
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
    ensure_person(session, person_id, person_link, now)
    event = CaseFiled(filing_date, tuple(c.as_written for c in charges), incident_id,
                      pad_first=pad is not None)
    if pad is not None:
        if pad.person_id != person_id:
            raise Conflict(f"incident {incident_id!r} belongs to another person's PAD referral")
        row = pad
        row.docket_id, row.stage, row.filing_date = case_id, Stage.CHARGED.value, filing_date
        row.charge_scope, row.pad_referred = charge_scope.value, True
        session.execute(delete(ChargeRow).where(ChargeRow.case_id == row.id))  # police's
    else:
        row = CaseRow(
            id=case_id, person_id=person_id, incident_id=incident_id, stage=Stage.CHARGED.value,
            state=State.NEW.value, filing_date=filing_date, charge_scope=charge_scope.value,
            pad_referred=False, age=age, zip=zip, source=source, last_seq=0,
            created_at=now, updated_at=now, version=1,
        )
        session.add(row)
    if bail_facts is not None:
        row.fentanyl_evidence = bail_facts.fentanyl_evidence
        row.bench_warrants_5y = bail_facts.bench_warrants_5y
        row.open_pwid_cases = bail_facts.open_pwid_cases
    _add_charges(session, row.id, charges)
    session.flush()
    append_to_log(session, actor, row, event, now)
    rearrests = 0
    if pad is None:
        for other_id in _diverted_case_ids(session, person_id, row.id):
            append_to_log(session, actor, case_row(session, other_id),
                    ReArrestRecorded(row.id, filing_date), now)
            rearrests += 1
    return case_view(session, row), rearrests


@unit_of_work
def create_case(
    session: Session, actor: Actor, *, case_id: str, person_id: str,
    charges: Sequence[Charge], filing_date: date, incident_id: str | None = None,
    charge_scope: ChargeScope = ChargeScope.COMPLETE, age: int | None = None,
    zip: str | None = None, at: datetime | None = None, bail_facts: BailFacts | None = None,
) -> CaseView:
    """File one case by hand and commit it with its events and audit entries (see file_case)."""
    return file_case(
        session, actor, case_id=case_id, person_id=person_id, charges=charges,
        filing_date=filing_date, incident_id=incident_id, charge_scope=charge_scope, age=age,
        zip=zip, at=at, bail_facts=bail_facts,
    )[0]


@unit_of_work
def record_pad_referral(
    session: Session, actor: Actor, *, case_id: str, person_id: str, incident_id: str,
    contact_date: date, charges: Sequence[Charge] = (), provider_id: str | None = None,
    police_district: int | None = None, counted_from: Sequence[str] = (),
    at: datetime | None = None,
) -> CaseView:
    """A police (PAD) referral before any charge: a pre-charge case keyed by its incident.

    `charges` are the offenses the officer had cause to suspect, as written; the PAD policy
    screens them (by contact date). A later filing replaces them with the filed charges.
    `counted_from` (the earlier referrals behind the contact count) is kept in the event.
    """
    now = utcnow(at)
    if session.get(CaseRow, case_id) is not None:
        raise InputRefused("incident_id", "duplicate_incident",
                           f"Incident {incident_id} was already referred (case {case_id} "
                           "already exists); do not refer it again: check the incident "
                           "number, or open the earlier referral in your recent referrals.",
                           status=409)
    if session.scalars(select(CaseRow.id).where(CaseRow.incident_id == incident_id)).first():
        raise InputRefused("incident_id", "duplicate_incident",
                           f"Incident {incident_id} already has a case; one referral per "
                           "incident: check the incident number.", status=409)
    ensure_person(session, person_id, None, now)
    row = CaseRow(
        id=case_id, person_id=person_id, incident_id=incident_id, stage=Stage.PRE_CHARGE.value,
        state=State.NEW.value, contact_date=contact_date, charge_scope=ChargeScope.COMPLETE.value,
        pad_referred=True, source="pad", last_seq=0, created_at=now, updated_at=now, version=1,
    )
    session.add(row)
    session.flush()
    _add_charges(session, row.id, charges)
    append_to_log(session, actor, row,
            PadReferred(incident_id, contact_date, actor.username, provider_id,
                        police_district, tuple(counted_from)), now)
    return case_view(session, row)


@unit_of_work
def get_case(session: Session, actor: Actor, case_id: str) -> CaseView:
    """One case with its charges; the read is audited."""
    row = case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}", row.person_id)
    return case_view(session, row)


@unit_of_work
def list_cases(
    session: Session, actor: Actor, page: int = 1, page_size: int = 50,
    filters: CaseFilters | None = None,
) -> Page[CaseView]:
    """One page of cases, newest filing first; the listing is audited."""
    f = filters or CaseFilters()
    query = select(CaseRow).where(CaseRow.sealed_at.is_(None))
    for column, value in ((CaseRow.state, f.state), (CaseRow.stage, f.stage),
                          (CaseRow.person_id, f.person_id)):
        if value is not None:
            query = query.where(column == value)
    if f.vehicle is not None:
        query = query.where(CaseRow.vehicle == f.vehicle)
    if f.provider_id is not None:
        query = query.where(CaseRow.id.in_(select(ReferralRow.case_id).where(
            ReferralRow.provider_id == f.provider_id)))
    if f.due_by is not None:
        query = query.where(CaseRow.due_on <= f.due_by)
    if f.filed_from is not None:
        query = query.where(CaseRow.filing_date >= f.filed_from)
    if f.filed_to is not None:
        query = query.where(CaseRow.filing_date <= f.filed_to)
    if f.outcome is not None:  # the decision in effect, kept on the case row (indexed)
        query = query.where(CaseRow.effective_outcome == f.outcome)
    if f.pending_approval is not None:
        query = query.where(CaseRow.pending_approval.in_(f.pending_approval.split(",")))
    if f.proposal is not None:
        query = query.where(CaseRow.id.in_(select(WhatIfRow.case_id).where(
            WhatIfRow.label == PROPOSAL, WhatIfRow.outcome == f.proposal)))
    if f.search:
        query = query.where(_matches(session, f.search))
    # Counting every match of a broad filter over a million cases costs more than the page:
    # count up to COUNT_CAP (or past this page), and say "more than" beyond it.
    cap = max(COUNT_CAP, max(page, 1) * page_size)
    counted = session.scalar(select(func.count()).select_from(
        query.limit(cap + 1).subquery())) or 0
    total, exact = min(counted, cap), counted <= cap
    order = {"filed_asc": (CaseRow.filing_date.asc(), CaseRow.id),
             "case_id": (CaseRow.id,), "due_asc": (CaseRow.due_on.asc(), CaseRow.id),
             }.get(f.sort, (CaseRow.filing_date.desc(), CaseRow.id))
    rows = session.scalars(
        query.order_by(*order).offset((max(page, 1) - 1) * page_size).limit(page_size)
    ).all()
    audit.append(session, actor, "list", "cases", detail={
        "page": page, "page_size": page_size, "total": total, "case_ids": [r.id for r in rows]})
    return Page(tuple(case_view(session, r) for r in rows), page, page_size, total, exact)


def _matches(session: Session, search: str) -> ColumnElement[bool]:
    """Cases whose id, person, docket or incident is exactly `search` as typed (indexed
    lookups); only when none is, cases one of whose charges contains every word of it
    (case-insensitive; % and _ are letters here) — the one list query that reads charges."""
    term = search.strip()
    # Each column looked up on its own (an indexed equality), then matched by primary key:
    # as one OR joined to ORDER BY filing_date, a planner may walk every case instead.
    matched = [found for column in (CaseRow.id, CaseRow.docket_id, CaseRow.incident_id,
                                    CaseRow.person_id)
               for found in session.scalars(select(CaseRow.id).where(column == term)
                                            .limit(COUNT_CAP))]
    if matched:
        return CaseRow.id.in_(matched)
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
             for w in term.lower().split()[:8]]
    charge = select(ChargeRow.id).where(ChargeRow.case_id == CaseRow.id, *(
        func.lower(ChargeRow.as_written).like(f"%{w}%", escape="\\") for w in words))
    return charge.exists()


@unit_of_work
def list_events(session: Session, actor: Actor, case_id: str) -> list[EventView]:
    """A case's event history in order; the read is audited."""
    row = case_row(session, case_id)
    audit.audit_read(session, actor, f"cases/{row.id}/events", row.person_id)
    events = session.scalars(
        select(CaseEventRow).where(CaseEventRow.case_id == row.id).order_by(CaseEventRow.seq))
    return [EventView(e.case_id, e.seq, e.kind, json.loads(e.payload), e.actor,
                      as_utc(e.recorded_at)) for e in events]


@unit_of_work
def append_event(
    session: Session, actor: Actor, case_id: str, event: Event,
    expected_version: int | None = None, at: datetime | None = None,
) -> CaseView:
    """Append one event after the lifecycle allows it; IllegalTransition or StaleVersion →
    nothing written."""
    row = case_row(session, case_id)
    if expected_version is not None and expected_version != row.version:
        raise StaleVersion("case", row.id, expected_version, row.version)
    lifecycle.apply(State(row.state), event, row.id)  # an illegal step is said before a date
    _check_dates(session, row, event, utcnow(at).date())
    append_to_log(session, actor, row, event, utcnow(at), expected_version)
    session.refresh(row)
    return case_view(session, row)


def _dates(event: Event) -> dict[str, date]:
    """The event's date fields by name."""
    values = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    return {k: v for k, v in values.items() if isinstance(v, date)}


def _check_dates(session: Session, row: CaseRow, event: Event, today: date) -> None:
    """The event's dates against today and the case's own history (cases/checks.py): an
    offer expires today or later; an answer comes after the offer, never in the future, and
    an acceptance only while the offer is open; no step is dated in the future."""
    if isinstance(event, OfferMade):
        checks.offer_expiry(event.expires_on, today)
        return
    answer = {OfferAccepted: "accepted", OfferDeclined: "declined", OfferExpired: "expired"}
    if type(event) in answer:
        made = session.execute(
            select(CaseEventRow.recorded_at, CaseEventRow.payload)
            .where(CaseEventRow.case_id == row.id, CaseEventRow.kind == "OfferMade")
            .order_by(CaseEventRow.seq.desc()).limit(1)).first()
        offered_on = as_utc(made[0]).date() if made else None
        expires = date.fromisoformat(json.loads(made[1])["expires_on"]) if made else None
        on = next(iter(_dates(event).values()))
        checks.offer_answer(answer[type(event)], on, today, offered_on, expires)
        return
    for name, value in _dates(event).items():
        if name.endswith("_on"):
            checks.not_in_future("on", value, today, "the date")


@unit_of_work
def expire_offers(session: Session, actor: Actor, as_of: date) -> list[str]:
    """Record OfferExpired on every open offer whose deadline passed before `as_of`.

    Time is an argument: a daily job passes today's date, a test passes any date.
    """
    expired = []
    for row in session.scalars(select(CaseRow).where(CaseRow.state == State.OFFERED.value)
                               .order_by(CaseRow.id)):
        offers = [e for e in case_history(session, row.id) if isinstance(e, OfferMade)]
        if offers and offers[-1].expires_on < as_of:
            append_to_log(session, actor, row, OfferExpired(as_of), utcnow())
            expired.append(row.id)
    return expired


def pending_review_seq(session: Session, case_id: str) -> int:
    """The position of the review waiting for approval (NotFound if none waits)."""
    row = case_row(session, case_id)
    pending = decision.fold(case_history(session, row.id)).pending
    if pending is None:
        raise NotFound("pending review", case_id)
    return pending.seq


def person_record(session: Session, person_id: str, excluding_case: str) -> PersonRecord:
    """Person facts for screening, from the store: open diversions and earlier PAD contacts.

    Prior convictions stay unknown (None): the store does not hold criminal history.
    Engagement reports and consents are never read here.
    """
    open_div = session.scalar(select(func.count()).select_from(CaseRow).where(
        CaseRow.person_id == person_id, CaseRow.id != excluding_case,
        CaseRow.sealed_at.is_(None), CaseRow.state.in_(OPEN_DIVERSION))) or 0
    pad = session.scalar(select(func.count()).select_from(CaseRow).where(
        CaseRow.person_id == person_id, CaseRow.id != excluding_case,
        CaseRow.sealed_at.is_(None), CaseRow.pad_referred.is_(True))) or 0
    this = session.get(CaseRow, excluding_case)  # what the ADA stated at this filing, if any
    return PersonRecord(person_id, None, open_div, pad,
                        this.bench_warrants_5y if this is not None else None,
                        open_pwid_cases=this.open_pwid_cases if this is not None else None)


def screening_case(session: Session, view: CaseView) -> Case:
    """The stored case as screening reads it (`model.case.Case`), with the person's record
    from the store: the one edge where a stored case becomes a case to screen."""
    return view.to_screening_case(person_record(session, view.person_id, view.id))
