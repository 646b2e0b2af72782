"""The case repository on a migrated database: what a DA office relies on it to remember."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.cases.decision import NotDivertible
from divert.cases.events import (
    CaseFiled,
    DecisionConfirmed,
    DecisionOverridden,
    OfferAccepted,
    OfferMade,
    ReArrestRecorded,
    ReviewApproved,
    ReviewRefused,
)
from divert.errors import IllegalTransition, InputRefused
from divert.model.case import Charge
from divert.policy.explain import Outcome
from divert.store import audit, repo
from divert.store.tables import AuditRow, CaseEventRow, CaseRow, ScreeningRow

from .kit import ADA, AT, COORD, POSSESSION, SUP, decision, filed


def count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def divert_case(session: Session, case_id: str) -> None:
    """Take a filed case through screening, review and an accepted offer."""
    s = repo.record_screening(session, ADA, case_id, decision(case_id), at=AT)
    repo.append_event(session, ADA, case_id, DecisionConfirmed(s.id, ADA.username), at=AT)
    repo.append_event(session, COORD, case_id, OfferMade(date(2026, 7, 20)), at=AT)
    repo.append_event(session, COORD, case_id, OfferAccepted(date(2026, 7, 2)), at=AT)


def test_a_filed_case_reads_back_with_its_charges_and_state(session: Session) -> None:
    filed(session)
    case = repo.get_case(session, ADA, "C-1")
    assert (case.state, case.stage, case.charges) == ("filed", "charged", POSSESSION)
    assert case.filing_date == date(2026, 7, 1)
    assert [e.kind for e in repo.list_events(session, ADA, "C-1")] == ["CaseFiled"]


def test_filing_the_same_case_twice_is_refused_and_writes_nothing(session: Session) -> None:
    filed(session)
    before = (count(session, CaseEventRow), count(session, AuditRow))
    with pytest.raises(repo.Conflict, match="already exists"):
        filed(session)
    assert (count(session, CaseEventRow), count(session, AuditRow)) == before


def test_an_illegal_transition_is_refused_and_nothing_is_written(session: Session) -> None:
    case = filed(session)
    before = (count(session, CaseEventRow), count(session, AuditRow))
    with pytest.raises(IllegalTransition, match="cannot apply OfferAccepted in state FILED"):
        repo.append_event(session, COORD, "C-1", OfferAccepted(date(2026, 7, 3)))
    assert (count(session, CaseEventRow), count(session, AuditRow)) == before
    assert repo.get_case(session, ADA, "C-1").version == case.version


def test_a_stale_version_is_refused_never_a_lost_update(session: Session) -> None:
    case = filed(session)
    s = repo.record_screening(session, ADA, "C-1", decision("C-1"), case.version)
    with pytest.raises(repo.StaleVersion, match=f"not {case.version}"):
        repo.append_event(session, ADA, "C-1", DecisionConfirmed(s.id, "ada.one"), case.version)
    assert repo.get_case(session, ADA, "C-1").state == "screened"


def test_every_event_moves_the_version_on(session: Session) -> None:
    v1 = filed(session).version
    s = repo.record_screening(session, ADA, "C-1", decision("C-1"), v1)
    v2 = repo.append_event(session, ADA, "C-1", DecisionConfirmed(s.id, "ada.one"), v1 + 1)
    assert v2.version == v1 + 2 and v2.state == "reviewed"


def test_an_override_never_edits_the_stored_decision(session: Session) -> None:
    filed(session)
    stored = repo.record_screening(session, ADA, "C-1", decision("C-1"), at=AT)
    repo.append_event(session, ADA, "C-1", DecisionOverridden(
        stored.id, "prosecute", "Defendant asked for trial.", "ada.one"))
    again = repo.list_screenings(session, ADA, "C-1")
    assert [s.decision for s in again] == [decision("C-1").to_json()]
    assert again[0].outcome == "divert"
    last = repo.list_events(session, ADA, "C-1")[-1]
    assert last.kind == "DecisionOverridden"
    assert last.payload["reason"] == "Defendant asked for trial."


def test_pad_first_then_filing_is_one_case_for_one_incident(session: Session) -> None:
    police = ADA.__class__("officer.k", "police", "10.1.1.1")
    pad = repo.record_pad_referral(session, police, case_id="PAD-1", person_id="P-9",
                                   incident_id="INC-77", contact_date=date(2026, 6, 20), at=AT)
    assert pad.state == "pad_referred" and pad.stage == "pre_charge"
    case = filed(session, case_id="MC-51-CR-1", person_id="P-9", incident_id="INC-77")
    assert (case.id, case.docket_id, case.pad_referred, case.state) == (
        "PAD-1", "MC-51-CR-1", True, "filed")
    assert count(session, CaseRow) == 1
    assert repo.get_case(session, ADA, "MC-51-CR-1").id == "PAD-1"
    events = repo.list_events(session, ADA, "PAD-1")
    assert [e.kind for e in events] == ["PadReferred", "CaseFiled"]
    assert events[1].payload["pad_first"] is True
    screening_case = case.to_screening_case(repo.person_record(session, "P-9", case.id))
    assert screening_case.pad_referred is True


def test_a_new_filing_for_a_diverted_person_records_a_rearrest(session: Session) -> None:
    filed(session, "C-1", "P-1")
    divert_case(session, "C-1")
    filed(session, "C-2", "P-2")  # another person: no re-arrest anywhere
    filed(session, "C-3", "P-1", on=date(2026, 9, 1))
    kinds = [e.kind for e in repo.list_events(session, ADA, "C-1")]
    assert kinds[-1] == "ReArrestRecorded"
    assert repo.list_events(session, ADA, "C-1")[-1].payload == {
        "new_case_id": "C-3", "filing_date": "2026-09-01"}
    assert "ReArrestRecorded" not in [e.kind for e in repo.list_events(session, ADA, "C-2")]
    assert repo.get_case(session, ADA, "C-1").state == "diverted"  # an observation only
    record = repo.person_record(session, "P-1", "C-3")
    assert record.open_diversions == 1


def test_a_filing_for_an_undiverted_person_records_no_rearrest(session: Session) -> None:
    filed(session, "C-1", "P-1")
    filed(session, "C-2", "P-1")
    assert count(session, CaseEventRow) == 2
    assert not session.scalars(select(CaseEventRow).where(
        CaseEventRow.kind == ReArrestRecorded.__name__)).all()


def test_reads_of_a_person_are_audited_with_who_and_from_where(session: Session) -> None:
    filed(session)
    repo.get_case(session, COORD, "C-1")
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
    assert last is not None
    assert (last.action, last.actor, last.role, last.source, last.person_id, last.resource) == (
        "read", "coord.one", "coordinator", "127.0.0.1", "P-1", "cases/C-1")


def test_list_pages_and_filters(session: Session) -> None:
    for i in range(5):
        filed(session, f"C-{i}", f"P-{i}", on=date(2026, 7, 1 + i))
    repo.record_screening(session, ADA, "C-2", decision("C-2", Outcome.PROSECUTE))
    page = repo.list_cases(session, ADA, page=2, page_size=2)
    assert (page.total, [c.id for c in page.items]) == (5, ["C-2", "C-1"])
    by_state = repo.list_cases(session, ADA, filters=repo.CaseFilters(state="screened"))
    assert [c.id for c in by_state.items] == ["C-2"]
    by_outcome = repo.list_cases(session, ADA, filters=repo.CaseFilters(outcome="prosecute"))
    assert [c.id for c in by_outcome.items] == ["C-2"]
    window = repo.list_cases(session, ADA, filters=repo.CaseFilters(
        filed_from=date(2026, 7, 2), filed_to=date(2026, 7, 3)))
    assert [c.id for c in window.items] == ["C-2", "C-1"]


def test_a_write_and_its_audit_entry_commit_together(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        filed(session)
    monkeypatch.undo()
    assert (count(session, CaseRow), count(session, CaseEventRow)) == (0, 0)


def test_the_audit_chain_verifies_after_normal_work(session: Session) -> None:
    filed(session)
    divert_case(session, "C-1")
    result = audit.verify(session)
    assert result.ok and result.entries == count(session, AuditRow) and result.problems == ()


def test_stored_events_rebuild_into_the_same_state(session: Session) -> None:
    from divert.cases.lifecycle import fold

    filed(session)
    divert_case(session, "C-1")
    history = repo.case_history(session, "C-1")
    assert isinstance(history[0], CaseFiled)
    assert fold(history).value == repo.get_case(session, ADA, "C-1").state == "diverted"


def test_screenings_keep_policy_identity(session: Session) -> None:
    filed(session)
    repo.record_screening(session, ADA, "C-1", decision("C-1"))
    row = session.scalars(select(ScreeningRow)).one()
    assert (row.policy_id, row.policy_version, row.policy_sha256) == (
        "test-possession", 1, "ab" * 32)


def test_cases_carry_their_latest_screening_outcome(session: Session) -> None:
    filed(session, "C-1")
    filed(session, "C-2", "P-2")
    repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.DIVERT))
    repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.NEEDS_REVIEW))
    page = repo.list_cases(session, ADA)
    assert {c.id: c.outcome for c in page.items} == {"C-1": "needs_review", "C-2": None}
    assert repo.get_case(session, ADA, "C-1").outcome == "needs_review"


def test_an_override_is_the_decision_in_effect_everywhere_and_the_machines_stays_beside_it(
    session: Session,
) -> None:
    filed(session, "C-1")
    filed(session, "C-2", "P-2")
    stored = repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.DIVERT))
    repo.record_screening(session, ADA, "C-2", decision("C-2", Outcome.DIVERT))
    repo.append_event(session, ADA, "C-1", DecisionOverridden(
        stored.id, "prosecute", "Defendant asked for trial.", ADA.username))
    case = repo.get_case(session, ADA, "C-1")
    assert (case.outcome, case.machine_outcome, case.decided_by, case.decision_reason) == (
        "prosecute", "divert", ADA.username, "Defendant asked for trial.")
    divert_list = repo.list_cases(session, ADA, filters=repo.CaseFilters(outcome="divert"))
    assert [c.id for c in divert_list.items] == ["C-2"]
    prosecute = repo.list_cases(session, ADA, filters=repo.CaseFilters(outcome="prosecute"))
    assert [c.id for c in prosecute.items] == ["C-1"]


def test_an_offer_on_a_case_overridden_to_prosecute_is_refused_with_a_sentence(
    session: Session,
) -> None:
    filed(session)
    stored = repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.DIVERT))
    repo.append_event(session, ADA, "C-1", DecisionOverridden(
        stored.id, "prosecute", "Defendant asked for trial.", ADA.username))
    before = count(session, CaseEventRow)
    with pytest.raises(NotDivertible, match=r"decision in effect is prosecute \(an override by"):
        repo.append_event(session, COORD, "C-1", OfferMade(date(2026, 7, 20)), at=AT)
    assert count(session, CaseEventRow) == before


def test_an_override_waiting_for_approval_counts_only_once_another_person_approves(
    session: Session,
) -> None:
    filed(session)
    stored = repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.PROSECUTE))
    case = repo.append_event(session, ADA, "C-1", DecisionOverridden(
        stored.id, "divert", "First arrest, treatment available.", ADA.username,
        approval="supervisor"))
    assert (case.outcome, case.pending_approval) == ("prosecute", "supervisor")
    waiting = repo.list_cases(session, SUP, filters=repo.CaseFilters(
        pending_approval="supervisor"))
    assert [c.id for c in waiting.items] == ["C-1"]
    with pytest.raises(NotDivertible, match="waiting for approval by the supervisor"):
        repo.append_event(session, COORD, "C-1", OfferMade(date(2026, 7, 20)), at=AT)
    review_seq = next(e.seq for e in repo.list_events(session, ADA, "C-1")
                  if e.kind == "DecisionOverridden")
    with pytest.raises(NotDivertible, match="Nobody approves their own review"):
        repo.append_event(session, ADA, "C-1", ReviewApproved(review_seq, ADA.username))
    case = repo.append_event(session, SUP, "C-1", ReviewApproved(review_seq, SUP.username))
    assert (case.outcome, case.pending_approval, case.decided_by) == (
        "divert", None, ADA.username)
    repo.append_event(session, COORD, "C-1", OfferMade(date(2026, 7, 20)), at=AT)


def test_a_refused_override_leaves_the_decision_before_it(session: Session) -> None:
    filed(session)
    stored = repo.record_screening(session, ADA, "C-1", decision("C-1", Outcome.PROSECUTE))
    repo.append_event(session, ADA, "C-1", DecisionOverridden(
        stored.id, "divert", "First arrest, treatment available.", ADA.username,
        approval="district_attorney"))
    case = repo.append_event(session, SUP, "C-1", ReviewRefused(
        3, SUP.username, "PWID stays a felony under the policy."))
    assert (case.outcome, case.pending_approval, case.state) == ("prosecute", None, "reviewed")
    events = [e.kind for e in repo.list_events(session, ADA, "C-1")]
    assert events[-2:] == ["DecisionOverridden", "ReviewRefused"]


def test_an_incident_belongs_to_one_person_and_one_pad_referral(session: Session) -> None:
    police = ADA.__class__("officer.k", "police", "10.1.1.1")
    repo.record_pad_referral(session, police, case_id="PAD-1", person_id="P-9",
                             incident_id="INC-77", contact_date=date(2026, 6, 20))
    with pytest.raises(InputRefused, match="Incident INC-77 already has a case"):
        repo.record_pad_referral(session, police, case_id="PAD-2", person_id="P-9",
                                 incident_id="INC-77", contact_date=date(2026, 6, 21))
    with pytest.raises(repo.Conflict, match="belongs to another person's PAD referral"):
        filed(session, case_id="MC-1", person_id="P-1", incident_id="INC-77")
    assert count(session, CaseRow) == 1


def test_earlier_pad_contacts_count_for_the_next_screening(session: Session) -> None:
    police = ADA.__class__("officer.k", "police", "10.1.1.1")
    for n in (1, 2):
        repo.record_pad_referral(session, police, case_id=f"PAD-{n}", person_id="P-9",
                                 incident_id=f"INC-{n}", contact_date=date(2026, 6, n))
    case = filed(session, case_id="MC-3", person_id="P-9", on=date(2026, 7, 1))
    record = repo.person_record(session, "P-9", case.id)
    assert (record.pad_contacts, record.open_diversions, record.prior_drug_convictions) == (
        2, 0, None)
    pad_events = [e.kind for e in repo.list_events(session, ADA, "PAD-1")]
    assert pad_events == ["PadReferred", "ReArrestRecorded"]  # PAD is a diversion


def test_a_pad_referral_is_screened_then_its_filing_replaces_the_police_charges(
    session: Session,
) -> None:
    police = ADA.__class__("officer.k", "police", "10.1.1.1")
    suspected = (Charge("CS-POSS"),)
    pad = repo.record_pad_referral(session, police, case_id="PAD-1", person_id="P-9",
                                   incident_id="INC-5", contact_date=date(2026, 6, 20),
                                   charges=suspected)
    assert pad.charges == suspected and pad.stage == "pre_charge"
    screening_case = pad.to_screening_case(repo.person_record(session, "P-9", pad.id))
    assert screening_case.contact_date == date(2026, 6, 20) and screening_case.filing_date is None
    after = repo.record_screening(session, police, "PAD-1", decision("PAD-1"))
    assert repo.get_case(session, ADA, "PAD-1").state == "pad_referred" and after.id
    case = filed(session, case_id="MC-2", person_id="P-9", incident_id="INC-5")
    assert case.charges == POSSESSION and case.state == "filed"


def test_offers_expire_the_day_after_their_deadline(session: Session) -> None:
    for case_id in ("C-1", "C-2"):
        filed(session, case_id, f"P-{case_id}")
        s = repo.record_screening(session, ADA, case_id, decision(case_id))
        repo.append_event(session, ADA, case_id, DecisionConfirmed(s.id, "ada.one"))
    repo.append_event(session, COORD, "C-1", OfferMade(date(2026, 7, 20)), at=AT)
    repo.append_event(session, COORD, "C-2", OfferMade(date(2026, 7, 25)), at=AT)
    assert repo.expire_offers(session, COORD, date(2026, 7, 20)) == []
    assert repo.expire_offers(session, COORD, date(2026, 7, 21)) == ["C-1"]
    assert repo.get_case(session, ADA, "C-1").state == "prosecution"
    assert repo.get_case(session, ADA, "C-2").state == "offered"
    assert repo.list_events(session, ADA, "C-1")[-1].payload == {"expired_on": "2026-07-21"}


def test_a_broad_list_stops_counting_and_says_more_than(
    session: Session, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(1, 6):
        filed(session, f"C-{n}", f"P-{n}")
    monkeypatch.setattr(repo, "COUNT_CAP", 3)
    first = repo.list_cases(session, ADA, 1, 2)
    assert (len(first.items), first.total, first.total_exact) == (2, 3, False)
    last = repo.list_cases(session, ADA, 3, 2)  # counting goes on past the page asked for
    assert (len(last.items), last.total, last.total_exact) == (1, 5, True)
