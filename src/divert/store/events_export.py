"""Every case event in pseudonymous form, for analysts (the funnel and measures on live data).

Analysts see pseudonymous data only: each record carries a keyed pseudonym of the case and
of the person (HMAC-SHA256 under a key the caller holds — docket numbers are public court
records searchable by name, and a plain hash of one could be reversed by enumeration), the
event type, a date, and an outcome. No names, no free text (reasons, terms, dispositions),
no charges, and of an engagement report only its status. The export is one audited read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases.access import Actor, require
from divert.store import audit
from divert.store.tables import CaseEventRow, CaseRow, ConsentRow, EngagementReportRow
from divert.store.unit import as_utc, unit_of_work, utcnow

# The payload field that holds the date the event is about; other events are dated by
# when they were recorded.
EVENT_DATE: Mapping[str, str] = {
    "PadReferred": "contact_date", "CaseFiled": "filing_date", "OfferAccepted": "accepted_on",
    "OfferDeclined": "declined_on", "OfferExpired": "expired_on",
    "ConsentRevoked": "revoked_on", "DiversionCompleted": "completed_on",
    "ChargesWithdrawn": "withdrawn_on", "Disposed": "disposed_on",
    "ReArrestRecorded": "filing_date",
}
# The only payload fields that are an outcome from a fixed list (never free text).
OUTCOME_FIELD: Mapping[str, str] = {"Screened": "outcome", "DecisionOverridden": "outcome"}
# Engagement status → did the person engage (the funnel's "engaged" step).
ENGAGED: Mapping[str, bool] = {"engaged": True, "completed": True, "not_engaged": False}


@dataclass(frozen=True, slots=True)
class PseudonymousEvent:
    """One case event as an analyst may see it."""

    case_id: str  # keyed pseudonym of the case
    person_id: str  # keyed pseudonym of the person
    type: str  # the event kind, e.g. Screened, OfferAccepted
    date: date
    outcome: str | None  # screening/override outcome, or engagement status
    engaged: bool | None = None  # EngagementReported only: from its status
    source: str = ""  # where the case came from (a feed, a hand filing, a PAD referral)
    withheld: bool = False  # EngagementReported only: no consent discloses it to analysts

    def to_record(self) -> dict[str, Any]:
        """The flat record analytics.funnel reads (`case_id`, `type`, `outcome`, …)."""
        return {"case_id": self.case_id, "person_id": self.person_id, "type": self.type,
                "date": self.date.isoformat(), "outcome": self.outcome,
                "engaged": self.engaged, "source": self.source, "withheld": self.withheld}


def _analyst_consents(session: Session, today: date) -> dict[str, list[date]]:
    """Per case, the signing days of consents in force today that let the provider disclose
    engagement status to analysts."""
    found: dict[str, list[date]] = {}
    for case_id, roles, kinds, signed, expires, revoked in session.execute(select(
            ConsentRow.case_id, ConsentRow.recipient_roles, ConsentRow.kinds,
            ConsentRow.signed_on, ConsentRow.expires_on, ConsentRow.revoked_on)):
        if ("analyst" in json.loads(roles) and "engagement_status" in json.loads(kinds)
                and expires >= today and (revoked is None or revoked > today)):
            found.setdefault(case_id, []).append(signed)
    return found


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """A stable pseudonym of `value` under `key`; unlinkable without the key."""
    if not key:
        raise ValueError("a pseudonym needs a non-empty key")
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}-{digest[:16]}"


def _event_date(kind: str, payload: Mapping[str, Any], recorded: date) -> date:
    name = EVENT_DATE.get(kind)
    value = payload.get(name) if name else None
    return date.fromisoformat(value) if isinstance(value, str) else recorded


@unit_of_work
def export_events(session: Session, actor: Actor, key: bytes) -> list[PseudonymousEvent]:
    """All case events, pseudonymous, grouped by case in sequence; audited as one read.

    The actor needs `analytics.read` (analysts): the store refuses anyone else, so no
    caller can hand pseudonymous-only data to a role that should see none of it.
    """
    require(actor, "analytics.read", "case_events")
    reports = {
        rid: (status, reported_on) for rid, status, reported_on in session.execute(
            select(EngagementReportRow.id, EngagementReportRow.engagement_status,
                   EngagementReportRow.reported_on))
    }
    today = utcnow().date()
    consented = _analyst_consents(session, today)
    rows = session.execute(
        select(CaseEventRow.case_id, CaseRow.person_id, CaseEventRow.kind,
               CaseEventRow.payload, CaseEventRow.recorded_at, CaseRow.source)
        .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
        .where(CaseRow.sealed_at.is_(None))  # sealed records are not analysed either
        .order_by(CaseEventRow.case_id, CaseEventRow.seq))
    out: list[PseudonymousEvent] = []
    cases: set[str] = set()
    for case_id, person_id, kind, raw, recorded_at, source in rows:
        payload = json.loads(raw)
        when = _event_date(kind, payload, as_utc(recorded_at).date())
        outcome = payload.get(OUTCOME_FIELD[kind]) if kind in OUTCOME_FIELD else None
        engaged, withheld = None, False
        if kind == "EngagementReported" and payload.get("report_id") in reports:
            outcome, when = reports[payload["report_id"]]
            engaged = ENGAGED.get(outcome) if outcome else None
            # 42 CFR Part 2: the status goes to analysts only under a consent naming them,
            # in force today (an expired or revoked one discloses nothing more).
            if not any(signed <= when for signed in consented.get(case_id, ())):
                outcome, engaged, withheld = None, None, True
        cases.add(case_id)
        out.append(PseudonymousEvent(pseudonym(key, "case", case_id),
                                     pseudonym(key, "person", person_id), kind, when,
                                     outcome, engaged, source, withheld))
    out.sort(key=lambda e: e.case_id)  # stable: each case's events stay in sequence
    audit.append(session, actor, "analytics.export", "case_events",
                 detail={"events": len(out), "cases": len(cases)})
    return out
