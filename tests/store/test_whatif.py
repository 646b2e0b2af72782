"""The proposal over real filings: a labelled what-if stored beside the live decision, never
in its place; idempotent; a list filter; the assumptions recorded (none by default)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from divert.ingest.phl_filings import read_phl_filings
from divert.model.case import Charge
from divert.policy.load import load_policies
from divert.store import repo, whatif
from divert.store.importer import import_filings
from divert.store.tables import AuditRow, ScreeningRow, WhatIfRow
from divert.store.views import CaseFilters

from .kit import ADA, ADMIN, AT, filed
from .test_import import IMPORTER, head

PROPOSAL_ID = "phl-dao-simple-possession"


def imported(session: Session, tmp_path: Path, lines: int = 200) -> int:
    policies = load_policies()
    ingested = read_phl_filings(head(tmp_path, lines))
    import_filings(session, ingested, [policies[PROPOSAL_ID], policies["phl-dao-2018"]],
                   IMPORTER, at=AT)
    return len(ingested.cases)


def live(session: Session) -> list[tuple[str, str, str, int]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ScreeningRow.case_id, ScreeningRow.outcome, ScreeningRow.policy_id,
               ScreeningRow.id).order_by(ScreeningRow.id))]


def test_every_filing_gets_a_labelled_what_if_and_its_live_decision_is_untouched(
        session: Session, tmp_path: Path) -> None:
    n = imported(session, tmp_path)
    before = live(session)
    assert {p for _, _, p, _ in before} == {"phl-dao-2018"}  # in force on 2021-22 filings
    proposal = load_policies()[PROPOSAL_ID]
    outcomes = whatif.screen_what_if(session, ADMIN, proposal, at=AT)
    assert sum(outcomes.values()) == n and live(session) == before
    rows = list(session.scalars(select(WhatIfRow)))
    latest = proposal.latest()
    assert {(r.label, r.policy_id, r.policy_version, r.as_of, r.assumptions) for r in rows} == {
        ("proposal", PROPOSAL_ID, latest.version, latest.effective_from, "[]")}
    assert Counter(r.outcome for r in rows) == outcomes
    # the case's own outcome is still the live one
    some = rows[0]
    assert repo.get_case(session, ADMIN, some.case_id).outcome == next(
        o for c, o, _, _ in reversed(before) if c == some.case_id)
    entry = session.scalars(select(AuditRow).where(AuditRow.action == "whatif.screen")).first()
    assert entry is not None and json.loads(entry.detail)["label"] == "proposal"


def test_a_second_run_screens_only_new_cases(session: Session, tmp_path: Path) -> None:
    imported(session, tmp_path, 100)
    proposal = load_policies()[PROPOSAL_ID]
    first = sum(whatif.screen_what_if(session, ADMIN, proposal, at=AT).values())
    assert whatif.screen_what_if(session, ADMIN, proposal, at=AT) == Counter()
    n = imported(session, tmp_path, 200)
    added = sum(whatif.screen_what_if(session, ADMIN, proposal, at=AT).values())
    assert first + added == n == session.scalar(select(func.count()).select_from(WhatIfRow))


def test_the_list_filters_on_what_the_proposal_would_do(session: Session) -> None:
    # A complete 2021 possession filing (charge grade known, unlike the published feed's
    # top charge only): the proposal would divert it, whatever the policy of its date says.
    repo.create_case(session, ADA, case_id="OLD-1", person_id="P-1", age=34, at=AT,
                     filing_date=date(2021, 9, 1), charges=[Charge(
                         "Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16", "M",
                         "heroin")])
    filed(session, "OLD-2", "P-2", on=date(2021, 9, 2))  # grade known, drug not: a review
    whatif.screen_what_if(session, ADMIN, load_policies()[PROPOSAL_ID], at=AT)
    would = dict(session.execute(select(WhatIfRow.case_id, WhatIfRow.outcome)).all())
    assert would["OLD-1"] == "divert" and would["OLD-2"] != "divert"
    page = repo.list_cases(session, ADMIN, 1, 50, CaseFilters(proposal="divert"))
    assert [c.id for c in page.items] == ["OLD-1"] and page.total == 1
    assert repo.get_case(session, ADMIN, "OLD-1").outcome is None  # never screened live


def test_the_assumptions_used_are_recorded(session: Session, tmp_path: Path) -> None:
    imported(session, tmp_path, 50)
    assume = frozenset({"assume.no_unpublished_record"})
    whatif.screen_what_if(session, ADMIN, load_policies()[PROPOSAL_ID], assume=assume, at=AT)
    shown = whatif.what_ifs_for(session, session.scalars(select(WhatIfRow.case_id)).first()
                                or "", load_policies())
    assert shown[0].assumptions == ("assume.no_unpublished_record",)
    assert shown[0].policy_status == load_policies()[PROPOSAL_ID].latest().status
