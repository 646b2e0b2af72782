"""Bulk import of a filings feed into the case store, idempotent and screened on arrival.

The file is read by the same ingest as the CLI (`divert.ingest.phl_filings`). A case already
in the store is left exactly as it is, so re-importing a file changes nothing and a newer
file adds only its new cases. Each new case is screened under the policy version in force
on its filing date (engines.inprocess.screen_case); a case no version covers is stored
unscreened and counted with the reason. Batches commit with their audit entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.engines.inprocess import screen_case
from divert.errors import DivertError
from divert.ingest.filed_case import FiledCase, Ingested
from divert.policy.model import Policy
from divert.store import audit
from divert.store.repo import file_case, person_record, store_screening
from divert.store.tables import CaseRow, Person
from divert.store.unit import utcnow
from divert.store.views import ImportSummary


def _present(session: Session, ids: Sequence[str]) -> set[str]:
    rows = session.execute(
        select(CaseRow.id, CaseRow.docket_id).where(
            or_(CaseRow.id.in_(ids), CaseRow.docket_id.in_(ids)))
    ).all()
    return {r.id for r in rows} | {r.docket_id for r in rows if r.docket_id}


def _order(fc: FiledCase) -> tuple[str, str]:
    return (fc.filed_at.isoformat(), fc.case_id)


def import_filings(
    session: Session, ingested: Ingested, policy: Policy | None, actor: Actor, *,
    batch_size: int = 500, at: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store the new cases of an ingested file (in filing order) and screen each one.

    Returns counts that tie: cases_in_file == cases_added + cases_already_present.
    """
    now = utcnow(at)
    cases = sorted(ingested.cases, key=_order)
    added = present = screened = people = rearrests = 0
    outcomes: Counter[str] = Counter()
    unscreened: Counter[str] = Counter()
    for start in range(0, len(cases), batch_size):
        batch = cases[start:start + batch_size]
        existing = _present(session, [fc.case_id for fc in batch])
        try:
            for fc in batch:
                if fc.case_id in existing:
                    present += 1
                    continue
                new_person = session.get(Person, fc.person_id) is None
                view, n = file_case(
                    session, actor, case_id=fc.case_id, person_id=fc.person_id,
                    charges=fc.case.charges, filing_date=fc.filed_at.date(),
                    charge_scope=fc.case.charge_scope, person_link=fc.person_link,
                    age=fc.age, zip=fc.zip, source="phl_filings", at=now)
                added, rearrests, people = added + 1, rearrests + n, people + int(new_person)
                if policy is None:
                    continue
                case = view.to_screening_case(person_record(session, fc.person_id, view.id))
                try:
                    decision = screen_case(case, policy)
                except DivertError as exc:  # no version in force on the filing date
                    unscreened[str(exc)] += 1
                    continue
                store_screening(session, actor, view.id, decision, at=now)
                screened += 1
                outcomes[decision.outcome.value] += 1
            session.commit()
        except BaseException:
            session.rollback()
            raise
        if progress is not None:
            progress(len(batch))
    summary = ImportSummary(
        path=str(ingested.path), rows_read=ingested.rows_read,
        rows_refused=len(ingested.refusals), cases_in_file=len(cases), cases_added=added,
        cases_already_present=present, cases_screened=screened, people_added=people,
        rearrests_recorded=rearrests, refusals=tuple(str(r) for r in ingested.refusals),
        outcomes=dict(outcomes), unscreened=tuple(f"{n} × {why}" for why, n in unscreened.items()),
    )
    audit.append(session, actor, "import", str(ingested.path.name), at=now, detail={
        "rows_read": summary.rows_read, "rows_refused": summary.rows_refused,
        "cases_added": added, "cases_already_present": present, "cases_screened": screened})
    session.commit()
    return summary

