"""PAD queries: an officer's own recent referrals, and a person's earlier PAD contacts.

Police may not list cases (permissions.yaml), so the page cannot reuse the case list: this
query returns only the pre-charge cases whose PadReferred event the officer recorded.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.store import audit
from divert.store.caselog import case_view
from divert.store.tables import CaseEventRow, CaseRow
from divert.store.unit import unit_of_work
from divert.store.views import CaseView


@unit_of_work
def recent_pad_referrals(session: Session, actor: Actor, limit: int = 20) -> list[CaseView]:
    """The last `limit` PAD referrals `actor` recorded, newest first, each with its latest
    screening outcome (the listing is audited)."""
    rows = session.scalars(
        select(CaseRow).join(CaseEventRow, CaseEventRow.case_id == CaseRow.id)
        .where(CaseEventRow.kind == "PadReferred", CaseEventRow.actor == actor.username,
               CaseRow.sealed_at.is_(None))
        .order_by(CaseEventRow.recorded_at.desc(), CaseRow.id.desc()).limit(limit)).all()
    audit.append(session, actor, "list", "pad-referrals",
                 detail={"officer": actor.username, "case_ids": [r.id for r in rows]})
    return [case_view(session, r) for r in rows]


def earlier_pad_referrals(session: Session, person_id: str, on_or_before: date) -> list[str]:
    """Case ids of the person's PAD referrals with a contact on or before `on_or_before`.

    Called before the new referral is stored, so it never counts itself. A referral later
    filed as a charged case still counts: the police contact happened. Not audited, like
    `repo.person_record`: it feeds screening and is stored with the referral it counted for.
    """
    return list(session.scalars(
        select(CaseRow.id).where(CaseRow.person_id == person_id,
                                 CaseRow.pad_referred.is_(True), CaseRow.sealed_at.is_(None),
                                 CaseRow.contact_date <= on_or_before)
        .order_by(CaseRow.contact_date, CaseRow.id)))
