"""An officer's own recent PAD referrals, for the police page.

Police may not list cases (permissions.yaml), so the page cannot reuse the case list: this
query returns only the pre-charge cases whose PadReferred event the officer recorded.
"""

from __future__ import annotations

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
    """The last `limit` PAD referrals `actor` recorded, newest first (the listing is audited)."""
    rows = session.scalars(
        select(CaseRow).join(CaseEventRow, CaseEventRow.case_id == CaseRow.id)
        .where(CaseEventRow.kind == "PadReferred", CaseEventRow.actor == actor.username)
        .order_by(CaseEventRow.recorded_at.desc(), CaseRow.id.desc()).limit(limit)).all()
    audit.append(session, actor, "list", "pad-referrals",
                 detail={"officer": actor.username, "case_ids": [r.id for r in rows]})
    return [case_view(session, r) for r in rows]
