"""Providers see only their own referrals; DA staff see engagement only under consent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases.consent import ConsentInvalid, Disclosure, NoConsent
from divert.cases.events import Disposed, ReturnedToProsecution
from divert.errors import IllegalTransition, NotPermitted
from divert.store import repo, treatment
from divert.store.tables import AuditRow, EngagementReportRow
from divert.store.views import NotFound

from .kit import ADA, ADMIN, AT, COORD, PROVIDER_A, PROVIDER_B, filed
from .test_repo import divert_case

KINDS = ["attendance", "engagement_status"]


@pytest.fixture
def referred(session: Session) -> int:
    """C-1 diverted and referred to provider A; provider B exists too."""
    treatment.create_provider(session, ADMIN, provider_id="prov-a", name="Provider A", at=AT)
    treatment.create_provider(session, ADMIN, provider_id="prov-b", name="Provider B", at=AT)
    filed(session)
    divert_case(session, "C-1")
    return treatment.refer_to_provider(session, COORD, "C-1", "prov-a", date(2026, 7, 4)).id


def report(session: Session, referral_id: int) -> int:
    return treatment.report_engagement(
        session, PROVIDER_A, referral_id=referral_id, reported_on=date(2026, 7, 20),
        attendance="attended 3 of 4", engagement_status="engaged", dates=[date(2026, 7, 6)])


def test_a_provider_lists_only_the_referrals_sent_to_it(session: Session, referred: int) -> None:
    assert [r.id for r in treatment.list_referrals(session, PROVIDER_A)] == [referred]
    assert treatment.list_referrals(session, PROVIDER_B) == []
    assert treatment.list_referrals(session, PROVIDER_B, provider_id="prov-a") == []


def test_a_referral_carries_no_charges_or_history(session: Session, referred: int) -> None:
    seen = treatment.get_referral(session, PROVIDER_A, referred)
    assert set(seen.__dataclass_fields__) == {
        "id", "case_id", "person_id", "provider_id", "referred_on", "status", "version"}


def test_every_cross_provider_attempt_fails(session: Session, referred: int) -> None:
    with pytest.raises(NotPermitted, match="only on referrals sent to it"):
        treatment.get_referral(session, PROVIDER_B, referred)
    with pytest.raises(NotPermitted):
        treatment.report_engagement(session, PROVIDER_B, referral_id=referred,
                                    reported_on=date(2026, 7, 20), engagement_status="engaged")
    with pytest.raises(NotPermitted):
        treatment.record_consent(session, PROVIDER_B, case_id="C-1", provider_id="prov-a",
                                 recipient_roles=["coordinator"], kinds=KINDS, purpose="x",
                                 signed_on=date(2026, 7, 4), expires_on=date(2026, 12, 31))
    assert session.scalars(select(EngagementReportRow)).all() == []


def test_without_consent_da_staff_see_no_report_under_consent(
    session: Session, referred: int
) -> None:
    report(session, referred)
    [shown] = treatment.engagement_for_case(session, COORD, "C-1", date(2026, 7, 21))
    assert isinstance(shown.shown, NoConsent) and shown.shown.text == "no report under consent"
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None and (last.action, last.outcome) == ("disclose", "denied")


def test_under_consent_only_the_consented_kinds_reach_da_staff(
    session: Session, referred: int
) -> None:
    consent = treatment.record_consent(
        session, PROVIDER_A, case_id="C-1", provider_id="prov-a",
        recipient_roles=["coordinator"], kinds=["engagement_status"], purpose="follow-up",
        signed_on=date(2026, 7, 4), expires_on=date(2026, 12, 31))
    report(session, referred)
    [coord] = treatment.engagement_for_case(session, COORD, "C-1", date(2026, 7, 21))
    assert isinstance(coord.shown, Disclosure)
    assert coord.shown.fields == {"engagement_status": "engaged"}
    assert "42 CFR part 2" in coord.shown.notice
    [ada] = treatment.engagement_for_case(session, ADA, "C-1", date(2026, 7, 21))
    assert isinstance(ada.shown, NoConsent)  # the consent names the coordinator only
    treatment.revoke_consent(session, PROVIDER_A, consent.consent.consent_id, date(2026, 8, 1),
                             expected_version=consent.version)
    [after] = treatment.engagement_for_case(session, COORD, "C-1", date(2026, 8, 1))
    assert isinstance(after.shown, NoConsent)
    kinds = [e.kind for e in repo.list_events(session, ADA, "C-1")]
    assert kinds[-3:] == ["ConsentRecorded", "EngagementReported", "ConsentRevoked"]


def test_consent_ends_at_final_disposition(session: Session, referred: int) -> None:
    treatment.record_consent(
        session, PROVIDER_A, case_id="C-1", provider_id="prov-a",
        recipient_roles=["coordinator"], kinds=KINDS, purpose="follow-up",
        signed_on=date(2026, 7, 4), expires_on=date(2026, 12, 31))
    report(session, referred)
    repo.append_event(session, COORD, "C-1", ReturnedToProsecution("stopped attending"))
    repo.append_event(session, ADA, "C-1", Disposed(date(2026, 9, 15), "guilty plea"))
    on_the_day = treatment.engagement_for_case(session, COORD, "C-1", date(2026, 9, 15))
    assert isinstance(on_the_day[0].shown, Disclosure)
    [after] = treatment.engagement_for_case(session, COORD, "C-1", date(2026, 9, 16))
    assert isinstance(after.shown, NoConsent) and "final disposition" in after.shown.reason
    with pytest.raises(ConsentInvalid, match="no later than final disposition"):
        treatment.record_consent(
            session, PROVIDER_A, case_id="C-1", provider_id="prov-a",
            recipient_roles=["coordinator"], kinds=KINDS, purpose="x",
            signed_on=date(2026, 9, 10), expires_on=date(2026, 12, 31))


def test_a_consent_naming_diagnosis_is_refused_and_nothing_written(
    session: Session, referred: int
) -> None:
    with pytest.raises(ConsentInvalid, match="diagnosis"):
        treatment.record_consent(
            session, PROVIDER_A, case_id="C-1", provider_id="prov-a",
            recipient_roles=["coordinator"], kinds=["diagnosis"], purpose="x",
            signed_on=date(2026, 7, 4), expires_on=date(2026, 12, 31))
    assert "ConsentRecorded" not in [e.kind for e in repo.list_events(session, ADA, "C-1")]


def test_a_referral_needs_an_accepted_offer(session: Session) -> None:
    treatment.create_provider(session, ADMIN, provider_id="prov-a", name="Provider A")
    filed(session)
    with pytest.raises(IllegalTransition, match="cannot apply ReferredToProvider in state FILED"):
        treatment.refer_to_provider(session, COORD, "C-1", "prov-a", date(2026, 7, 4))
    assert treatment.list_referrals(session, COORD) == []


def test_consents_are_listed_per_provider_and_the_read_audited(
    session: Session, referred: int
) -> None:
    recorded = treatment.record_consent(
        session, PROVIDER_A, case_id="C-1", provider_id="prov-a",
        recipient_roles=["coordinator"], kinds=KINDS, purpose="follow-up",
        signed_on=date(2026, 7, 4), expires_on=date(2026, 12, 31))
    assert treatment.list_consents(session, COORD, "C-1") == [recorded]
    # A provider the case was never referred to hears what it would for no case at all.
    with pytest.raises(NotFound):
        treatment.list_consents(session, PROVIDER_B, "C-1")
    session.rollback()
    assert treatment.list_consents(session, PROVIDER_A, "C-1") == [recorded]
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None and (last.actor, last.resource) == ("prov.a", "cases/C-1/consents")
