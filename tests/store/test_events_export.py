"""The pseudonymous event export: the live store's funnel, hand-computed, and nothing more
than an analyst may see."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.analytics.funnel import funnel
from divert.cases.access import Actor
from divert.cases.events import (
    DecisionConfirmed,
    DecisionOverridden,
    DiversionCompleted,
    OfferAccepted,
    OfferDeclined,
    OfferMade,
    ReturnedToProsecution,
)
from divert.errors import NotPermitted
from divert.policy.explain import Outcome
from divert.store import repo, treatment
from divert.store.events_export import export_events
from divert.store.tables import AuditRow

from .kit import ADA, ADMIN, AT, COORD, PROVIDER_A, decision, filed

ANALYST = Actor("analyst.one", "analyst", "127.0.0.1")
KEY = b"test key, not a secret"
SECRET_REASON = "the person's lawyer asked for a trial"


# Answers and completion are recorded after they happened (a date after today is refused).
LATER = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)


def _screen(session: Session, case_id: str, outcome: Outcome) -> int:
    return repo.record_screening(session, ADA, case_id, decision(case_id, outcome), at=AT).id


def _offer(session: Session, case_id: str, accept: bool | None) -> None:
    repo.append_event(session, COORD, case_id, OfferMade(date(2026, 7, 20), "the terms"), at=AT)
    if accept:
        repo.append_event(session, COORD, case_id, OfferAccepted(date(2026, 7, 5)), at=LATER)
    elif accept is False:
        repo.append_event(session, COORD, case_id, OfferDeclined(date(2026, 7, 6)), at=LATER)


def _treat(session: Session, case_id: str, status: str) -> None:
    referral = treatment.refer_to_provider(session, COORD, case_id, "prov-a", date(2026, 7, 7))
    treatment.report_engagement(session, PROVIDER_A, referral_id=referral.id,
                                reported_on=date(2026, 8, 1), attendance="attended 4 of 4",
                                engagement_status=status, dates=[date(2026, 7, 10)])


def build(session: Session) -> None:
    """Six cases, five people, each stopping at a different step of the funnel:

    C-1 (P-1) divert → confirmed → offered → accepted → referred → engaged → completed
    C-2 (P-2) divert → confirmed → offered → accepted → referred → not engaged → returned
    C-3 (P-3) divert → confirmed → offered → declined
    C-4 (P-4) divert → overridden to prosecute (eligible by the policy, never offered)
    C-5 (P-5) prosecute → overridden to divert → offered, no answer yet
    C-6 (P-1) filed later for the person of C-1 (a re-arrest on C-1), screened prosecute
    """
    if all(p.id != "prov-a" for p in treatment.list_providers(session)):
        treatment.create_provider(session, ADMIN, provider_id="prov-a", name="Provider A",
                                  at=AT)
    for n in range(1, 6):
        filed(session, f"C-{n}", f"P-{n}")
    for case_id in ("C-1", "C-2", "C-3"):
        s = _screen(session, case_id, Outcome.DIVERT)
        repo.append_event(session, ADA, case_id, DecisionConfirmed(s, ADA.username), at=AT)
    _offer(session, "C-1", accept=True)
    _treat(session, "C-1", "engaged")
    repo.append_event(session, COORD, "C-1", DiversionCompleted(date(2026, 10, 1)),
                      at=LATER)
    _offer(session, "C-2", accept=True)
    _treat(session, "C-2", "not_engaged")
    repo.append_event(session, COORD, "C-2", ReturnedToProsecution(SECRET_REASON), at=AT)
    _offer(session, "C-3", accept=False)
    s4 = _screen(session, "C-4", Outcome.DIVERT)
    repo.append_event(session, ADA, "C-4",
                      DecisionOverridden(s4, "prosecute", SECRET_REASON, ADA.username), at=AT)
    s5 = _screen(session, "C-5", Outcome.PROSECUTE)
    repo.append_event(session, ADA, "C-5",
                      DecisionOverridden(s5, "divert", SECRET_REASON, ADA.username), at=AT)
    _offer(session, "C-5", accept=None)
    filed(session, "C-6", "P-1", on=date(2026, 11, 2))
    _screen(session, "C-6", Outcome.PROSECUTE)


# Hand-computed from build(): eligible C-1..C-4 (screened divert) and C-5 (overridden to
# divert); offered C-1, C-2, C-3, C-5; accepted C-1, C-2; engaged C-1 (C-2 reported not
# engaged); completed C-1.
FUNNEL = [5, 4, 2, 1, 1]


@pytest.fixture
def store(session: Session) -> Session:
    build(session)
    return session


def test_the_live_funnel_counts_each_step_as_computed_by_hand(store: Session) -> None:
    records = [e.to_record() for e in export_events(store, ANALYST, KEY)]
    f = funnel(records)
    assert [s.count for s in f.steps] == FUNNEL
    assert [s.lost for s in f.steps] == [None, 1, 2, 1, 0]


def test_the_export_holds_no_real_ids_and_no_free_text(store: Session) -> None:
    events = export_events(store, ANALYST, KEY)
    text = repr([e.to_record() for e in events])
    for secret in ("C-1", "P-1", SECRET_REASON, "the terms", "attended", "prov-a",
                   "Int Poss"):
        assert secret not in text
    # No consent names analysts, so no engagement status leaves the provider (42 CFR Part 2).
    reports = [e for e in events if e.type == "EngagementReported"]
    assert len(reports) == 2 and all(e.withheld and e.outcome is None for e in reports)


def _consent(session: Session, case_id: str, revoked: date | None = None) -> None:
    """A consent naming analysts for engagement status, as the provider would record it."""
    from divert.store.tables import CaseRow, ConsentRow

    case = session.get(CaseRow, case_id)
    assert case is not None
    session.add(ConsentRow(
        case_id=case_id, person_id=case.person_id, provider_id="prov-a",
        recipient_roles='["analyst"]', recipient_org=None, kinds='["engagement_status"]',
        purpose="evaluation", signed_on=date(2026, 7, 7), expires_on=date(2099, 12, 31),
        revoked_on=revoked, created_at=AT, version=1))
    session.commit()


def test_a_consent_naming_analysts_discloses_the_status_until_it_is_revoked(
        store: Session) -> None:
    _consent(store, "C-1")
    _consent(store, "C-2", revoked=date(2026, 9, 1))  # revoked: nothing more is disclosed
    events = export_events(store, ANALYST, KEY)
    shown = {(e.outcome, e.withheld) for e in events if e.type == "EngagementReported"}
    assert shown == {("engaged", False), (None, True)}


def test_one_person_keeps_one_pseudonym_and_events_carry_their_own_dates(
    store: Session,
) -> None:
    events = export_events(store, ANALYST, KEY)
    filings = {e.case_id: e for e in events if e.type == "CaseFiled"}
    assert len(filings) == 6 and len({e.person_id for e in filings.values()}) == 5
    [rearrest] = [e for e in events if e.type == "ReArrestRecorded"]
    [later] = [e for e in filings.values() if e.date == date(2026, 11, 2)]
    assert rearrest.person_id == later.person_id and rearrest.case_id != later.case_id
    assert rearrest.date == date(2026, 11, 2)
    assert {e.date for e in events if e.type == "DiversionCompleted"} == {date(2026, 10, 1)}
    assert {e.date for e in events if e.type == "EngagementReported"} == {date(2026, 8, 1)}


def test_another_key_gives_unlinkable_pseudonyms(store: Session) -> None:
    one = {e.case_id for e in export_events(store, ANALYST, KEY)}
    other = {e.case_id for e in export_events(store, ANALYST, b"another key")}
    assert len(one) == len(other) == 6 and one.isdisjoint(other)


def test_the_export_is_audited_and_refused_to_other_roles(store: Session) -> None:
    export_events(store, ANALYST, KEY)
    last = store.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None
    assert (last.actor, last.action, last.resource) == ("analyst.one", "analytics.export",
                                                        "case_events")
    assert '"cases":6' in last.detail
    with pytest.raises(NotPermitted):
        export_events(store, ADA, KEY)


def test_the_public_counts_leave_sealed_records_out(store: Session) -> None:
    from divert.store.public import public_counts
    from divert.store.tables import CaseRow

    before = sum(public_counts(store).by_month.values())
    for row in store.scalars(select(CaseRow).where(CaseRow.person_id == "P-1")):
        row.sealed_at = AT  # as store/sealing.py marks them
    store.commit()
    after = public_counts(store)
    assert sum(after.by_month.values()) == before - 2  # C-1 and C-6 are P-1's
    assert sum(after.rearrests.values()) == 0  # the re-arrest was recorded on C-1
