"""Sealing a person's records (expungement): on a court order, every case of the person
stored so far disappears for every role — lists, reads, referrals, analytics, the person's
record used in later screenings — as if it had never been filed. Nothing is deleted: the
rows stay for the record's retention period, and the audit log keeps who sealed what on
which order, approved by whom, which only the auditor reads.

Who may seal, and whose approval it needs, is data (cases/permissions.yaml: `records.seal`,
`seal_approval`); nobody approves their own sealing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from divert.cases.access import Actor, may_approve, permissions, require
from divert.errors import InputRefused
from divert.store import audit
from divert.store.tables import CaseRow, SealingRow, UserRow
from divert.store.unit import dumps, unit_of_work, utcnow


@unit_of_work
def seal_person(
    session: Session, actor: Actor, person_id: str, order_ref: str,
    approved_by: str | None = None, at: datetime | None = None,
) -> list[str]:
    """Seal every stored case of `person_id`; returns the case ids sealed (audited)."""
    require(actor, "records.seal", f"people/{person_id}")
    if not order_ref.strip():
        raise InputRefused("order", "order_required",
                           "Name the court order or petition the sealing rests on.")
    approval = permissions().seal_approval
    if approval is not None:
        approver = None if approved_by is None else session.scalars(
            select(UserRow).where(UserRow.username == approved_by)).first()
        if approver is None or not may_approve(approver.role, approval):
            raise InputRefused(
                "approved_by", "approval_required",
                f"Sealing needs the approval of an account holding '{approval}' "
                f"(found {approved_by or 'none'}); name the approving account.")
        if approver.username == actor.username:
            raise InputRefused("approved_by", "own_approval",
                               "Nobody approves their own sealing; name another account.")
    now = utcnow(at)
    cases = list(session.scalars(select(CaseRow.id).where(
        CaseRow.person_id == person_id, CaseRow.sealed_at.is_(None)).order_by(CaseRow.id)))
    if not cases:
        raise InputRefused("person_id", "nothing_to_seal",
                           f"Person {person_id} has no unsealed case stored.", status=404)
    session.execute(update(CaseRow).where(CaseRow.id.in_(cases)).values(sealed_at=now))
    session.add(SealingRow(person_id=person_id, case_ids=dumps(cases), order_ref=order_ref,
                           sealed_by=actor.username, approved_by=approved_by, sealed_at=now))
    audit.append(session, actor, "seal", f"people/{person_id}", person_id=person_id,
                 detail={"cases": cases, "order": order_ref, "approved_by": approved_by},
                 at=now)
    return cases
