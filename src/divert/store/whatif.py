"""What-if screenings in the case store: a policy that is not the live one (the draft
proposal) screened over stored cases, kept beside their live decision and labelled.

A what-if is never a decision: it lives in its own table, so the case's outcome, its queues
and every later step (offers, referrals) read `screenings` only. Each row records the policy
version, the date it was screened as of, and the assumptions switched on (none by default).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from divert.cases.access import Actor
from divert.engines.screening import screen_one
from divert.model.case import Case, Charge, ChargeScope, Stage
from divert.policy.model import Policy
from divert.policy.select import Mode
from divert.store import audit
from divert.store.importer import person_records
from divert.store.tables import CaseRow, ChargeRow, WhatIfRow
from divert.store.unit import dumps, utcnow
from divert.store.views import PROPOSAL


@dataclass(frozen=True, slots=True)
class WhatIfView:
    """One labelled what-if screening of a case, as the case page and the API show it."""

    label: str
    outcome: str
    policy_id: str
    policy_version: int
    policy_status: str
    as_of: date | None
    assumptions: tuple[str, ...]
    says: tuple[str, ...]  # the deciding rules' sentences


def _cases(session: Session, rows: list[CaseRow]) -> list[Case]:
    charges: dict[str, list[Charge]] = defaultdict(list)
    for c in session.scalars(select(ChargeRow).where(ChargeRow.case_id.in_(
            [r.id for r in rows])).order_by(ChargeRow.case_id, ChargeRow.position)):
        charges[c.case_id].append(Charge(c.as_written, c.citation, c.grade, c.drug))
    people = person_records(session, {r.person_id for r in rows})
    return [Case(r.id, tuple(charges[r.id]), r.filing_date, r.contact_date,
                 people[r.person_id], ChargeScope(r.charge_scope), Stage(r.stage),
                 r.pad_referred, r.age) for r in rows]


def screen_what_if(
    session: Session, actor: Actor, policy: Policy, *, label: str = PROPOSAL,
    assume: frozenset[str] = frozenset(), at: datetime | None = None,
    batch_size: int = 1000, progress: Callable[[int], None] | None = None,
) -> Counter[str]:
    """Screen every filed case with no what-if under `label` yet under `policy`'s latest
    version (draft or not), in mode `latest` (policy/select.py); returns the outcomes counted.

    Idempotent: a re-run screens only cases added since. Each batch commits with one audit
    entry naming the label, the policy version, the assumptions and the case ids.
    """
    now = utcnow(at)
    version = policy.latest()
    done = select(WhatIfRow.case_id).where(WhatIfRow.label == label)
    todo = list(session.scalars(select(CaseRow.id).where(
        CaseRow.filing_date.is_not(None), CaseRow.id.not_in(done)).order_by(CaseRow.id)))
    outcomes: Counter[str] = Counter()
    for start in range(0, len(todo), batch_size):
        ids = todo[start:start + batch_size]
        rows = list(session.scalars(select(CaseRow).where(CaseRow.id.in_(ids))))
        values: list[dict[str, Any]] = []
        for case in _cases(session, rows):
            decision = screen_one(case, policy, Mode.LATEST, assume=assume)
            day = decision.as_of
            outcomes[decision.outcome.value] += 1
            values.append({
                "case_id": case.case_id, "label": label, "outcome": decision.outcome.value,
                "policy_id": policy.id, "policy_version": version.version,
                "policy_sha256": version.sha256, "as_of": day,
                "assumptions": dumps(sorted(assume)), "decision_json": dumps(decision.to_json()),
                "created_at": now})
        session.execute(insert(WhatIfRow), values)
        audit.append(session, actor, "whatif.screen", "cases", at=now, detail={
            "label": label, "policy": policy.id, "version": version.version,
            "assumptions": sorted(assume), "case_ids": ids})
        session.commit()
        if progress is not None:
            progress(len(ids))
    return outcomes


def what_ifs_for(session: Session, case_id: str, policies: dict[str, Policy]
                 ) -> list[WhatIfView]:
    """A case's what-if screenings, by label (read with the case, whose read is audited)."""
    out = []
    for r in session.scalars(select(WhatIfRow).where(WhatIfRow.case_id == case_id)
                             .order_by(WhatIfRow.label)):
        decision = json.loads(r.decision_json)
        because = set(decision.get("because", ()))
        says = tuple(str(x["says"]) for x in decision.get("rules", ())
                     if x.get("rule") in because)
        policy = policies.get(r.policy_id)
        status = next((v.status for v in policy.versions if v.version == r.policy_version),
                      "unknown") if policy else "unknown"
        out.append(WhatIfView(r.label, r.outcome, r.policy_id, r.policy_version, status,
                              r.as_of, tuple(json.loads(r.assumptions)), says))
    return out


def count_what_ifs(session: Session, label: str) -> dict[str, int]:
    """Outcomes under `label` across the store (not personal data)."""
    counts: Counter[str] = Counter(session.scalars(
        select(WhatIfRow.outcome).where(WhatIfRow.label == label)))
    return dict(counts)

