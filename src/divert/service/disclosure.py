"""Engagement reports as DA staff may see them: only what a consent in force discloses, each
with the 42 CFR § 2.32 re-disclosure notice; otherwise "no report under consent".

The decision is the store's (`engagement_for_case`, over cases.consent.disclosable), which
also audits every disclosure and every withheld report; this module only shapes the result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from divert.cases import access
from divert.cases.consent import Disclosure, rules
from divert.service.auth import actor_of
from divert.service.deps import Principal
from divert.store import treatment
from divert.store.handles import Session
from divert.store.views import CaseView


def disclosure_public(d: Disclosure) -> dict[str, Any]:
    return {"report_id": d.report_id, "case_id": d.case_id, "consent_ids": list(d.consent_ids),
            "kinds": [k.value for k in d.kinds], "fields": dict(d.fields), "notice": d.notice}


def engagement_disclosures(db: Session, user: Principal, case_id: str,
                           now: datetime) -> list[Disclosure]:
    """The disclosures this user may see on this case today (each audited by the store)."""
    views = treatment.engagement_for_case(db, actor_of(user), case_id, now.date())
    return [v.shown for v in views if isinstance(v.shown, Disclosure)]


def case_disclosures(db: Session, user: Principal, view: CaseView,
                     now: datetime) -> tuple[list[dict[str, str]], str]:
    """For the case page: disclosed reports as text with their notice, and the no-report text."""
    no_report = rules().no_report
    if not access.is_allowed(user.role, "engagement.read"):
        return [], no_report
    shown = []
    for d in engagement_disclosures(db, user, view.id, now):
        body = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in d.fields.items())
        shown.append({"body": f"Report {d.report_id} — {body}", "notice": d.notice})
    return shown, no_report
