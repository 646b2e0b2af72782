"""Providers, referrals, consents and engagement reports in the case store.

A provider acts only for itself: it sees the referrals sent to it (no charges, no criminal
history) and reports engagement only on those. DA staff see engagement only through
`cases.consent.disclosable`; each disclosure is audited with the consents that allowed it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from divert.cases import checks, lifecycle
from divert.cases.access import Actor, Role
from divert.cases.consent import (
    Consent,
    EngagementReport,
    InfoKind,
    NoConsent,
    disclosable,
    make_consent,
)
from divert.cases.events import (
    ConsentRecorded,
    ConsentRevoked,
    Disposed,
    EngagementReported,
    ReferredToProvider,
)
from divert.cases.lifecycle import State
from divert.errors import InputRefused, NotPermitted
from divert.store import audit
from divert.store.caselog import append_to_log, case_history, case_row, engagement_due
from divert.store.tables import (
    CaseRow,
    ConsentRow,
    EngagementReportRow,
    ProviderRow,
    ReferralRow,
)
from divert.store.unit import dumps, unit_of_work, utcnow
from divert.store.views import (
    Conflict,
    ConsentView,
    EngagementView,
    NotFound,
    ProviderView,
    ReferralView,
    StaleVersion,
)

ENGAGEMENT_STATUSES = ("engaged", "not_engaged", "completed")


def _provider_view(r: ProviderRow) -> ProviderView:
    return ProviderView(r.id, r.name, r.services, r.capacity, r.version)


def _referral_view(r: ReferralRow) -> ReferralView:
    return ReferralView(r.id, r.case_id, r.person_id, r.provider_id, r.referred_on, r.status,
                        r.version)


def _consent(r: ConsentRow) -> Consent:
    return Consent(r.id, r.person_id, r.provider_id, frozenset(json.loads(r.recipient_roles)),
                   r.recipient_org, frozenset(InfoKind(k) for k in json.loads(r.kinds)),
                   r.purpose, r.signed_on, r.expires_on, r.revoked_on)


def _sealed(session: Session, case_id: str) -> bool:
    return session.scalar(select(CaseRow.sealed_at).where(CaseRow.id == case_id)) is not None


def _own_provider(actor: Actor, provider_id: str, action: str, resource: str) -> None:
    """A provider account acts only for its own organisation."""
    if actor.role == Role.PROVIDER and actor.provider_id != provider_id:
        raise NotPermitted(actor.username, action, resource,
                           "a provider sees and acts only on referrals sent to it")


def _case_for(session: Session, actor: Actor, case_id: str) -> CaseRow:
    """The case, as far as `actor` may know it exists: a provider knows only the cases
    referred to it, so any other case id (real or not) is the same 404 (red-team finding 2:
    a 404 against a 200 or a 409 told which case ids exist and what state they were in)."""
    case = case_row(session, case_id)
    if actor.role == Role.PROVIDER:
        referred = session.scalars(select(ReferralRow.id).where(
            ReferralRow.case_id == case.id,
            ReferralRow.provider_id == (actor.provider_id or "\x00none"))).first()
        if referred is None:
            raise NotFound("case", case_id)
    return case


@unit_of_work
def create_provider(
    session: Session, actor: Actor, *, provider_id: str, name: str, services: str = "",
    capacity: int | None = None, at: datetime | None = None,
) -> ProviderView:
    """Add a provider organisation."""
    if session.get(ProviderRow, provider_id) is not None:
        raise Conflict(f"provider {provider_id!r} already exists")
    row = ProviderRow(id=provider_id, name=name, services=services, capacity=capacity,
                      created_at=utcnow(at), version=1)
    session.add(row)
    session.flush()
    audit.append(session, actor, "providers.create", f"providers/{provider_id}",
                 detail={"name": name}, at=at)
    return _provider_view(row)


def list_providers(session: Session) -> list[ProviderView]:
    """Every provider (no personal data, so not audited)."""
    rows = session.scalars(select(ProviderRow).order_by(ProviderRow.id))
    return [_provider_view(r) for r in rows]


@unit_of_work
def refer_to_provider(
    session: Session, actor: Actor, case_id: str, provider_id: str, referred_on: date,
    expected_version: int | None = None, at: datetime | None = None,
) -> ReferralView:
    """Refer the case's person to a provider; the lifecycle must allow ReferredToProvider.

    A case is one incident, so a second open referral of its person to the same provider is
    refused: the provider would see the same person twice for one stop.
    """
    now = utcnow(at)
    case = case_row(session, case_id)
    provider = session.get(ProviderRow, provider_id)
    if provider is None:
        raise NotFound("provider", provider_id)
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion("case", case.id, expected_version, case.version)
    lifecycle.apply(State(case.state), ReferredToProvider(0, provider_id), case.id)
    checks.referral_date(referred_on, now.date(), case.contact_date or case.filing_date)
    already = session.scalars(select(ReferralRow).where(
        ReferralRow.case_id == case.id, ReferralRow.person_id == case.person_id,
        ReferralRow.provider_id == provider_id, ReferralRow.status == "open")).first()
    if already is not None:
        raise InputRefused(
            "provider_id", "duplicate_referral",
            f"{provider.name} already has an open referral of this person for this "
            f"{'incident' if case.incident_id else 'case'} (referral {already.id}, made on "
            f"{already.referred_on}); do not refer again: follow up on that referral, or "
            "choose another provider.", status=409)
    row = ReferralRow(case_id=case.id, person_id=case.person_id, provider_id=provider_id,
                      referred_on=referred_on, status="open", created_at=now, version=1)
    session.add(row)
    session.flush()
    append_to_log(session, actor, case, ReferredToProvider(row.id, provider_id), now,
                  expected_version)
    session.refresh(case)
    if case.due_on is None or case.due_on > engagement_due(referred_on):
        case.due_on = engagement_due(referred_on)  # until the provider's first report
    return _referral_view(row)


@unit_of_work
def list_referrals(
    session: Session, actor: Actor, provider_id: str | None = None, case_id: str | None = None,
) -> list[ReferralView]:
    """Referrals; a provider account gets only its own, whatever it asks for (audited)."""
    query = select(ReferralRow).where(ReferralRow.case_id.not_in(
        select(CaseRow.id).where(CaseRow.sealed_at.is_not(None)))).order_by(ReferralRow.id)
    if actor.role == Role.PROVIDER:
        provider_id = actor.provider_id or "\x00none"
    if provider_id is not None:
        query = query.where(ReferralRow.provider_id == provider_id)
    if case_id is not None:
        query = query.where(ReferralRow.case_id == case_id)
    rows = [_referral_view(r) for r in session.scalars(query)]
    audit.append(session, actor, "list", "referrals",
                 detail={"provider_id": provider_id, "referral_ids": [r.id for r in rows]})
    return rows


@unit_of_work
def get_referral(session: Session, actor: Actor, referral_id: int) -> ReferralView:
    """One referral; another provider's referral is refused (and the attempt audited)."""
    row = session.get(ReferralRow, referral_id)
    if row is None or _sealed(session, row.case_id):
        raise NotFound("referral", referral_id)
    _own_provider(actor, row.provider_id, "read", f"referrals/{referral_id}")
    audit.audit_read(session, actor, f"referrals/{referral_id}", row.person_id)
    return _referral_view(row)


@unit_of_work
def record_consent(
    session: Session, actor: Actor, *, case_id: str, provider_id: str,
    recipient_roles: Iterable[str], kinds: Iterable[str], purpose: str, signed_on: date,
    expires_on: date, recipient_org: str | None = None, at: datetime | None = None,
) -> ConsentView:
    """Record a signed consent after checking it (cases.consent.make_consent)."""
    now = utcnow(at)
    _own_provider(actor, provider_id, "record a consent for", f"cases/{case_id}")
    case = _case_for(session, actor, case_id)
    disposed = _disposed_on(session, case.id)
    checked = make_consent(
        consent_id=0, person_id=case.person_id, provider_id=provider_id,
        recipient_roles=recipient_roles, recipient_org=recipient_org, kinds=kinds,
        purpose=purpose, signed_on=signed_on, expires_on=expires_on, disposed_on=disposed)
    lifecycle.apply(State(case.state), ConsentRecorded(0), case.id)
    row = ConsentRow(
        case_id=case.id, person_id=case.person_id, provider_id=provider_id,
        recipient_roles=dumps(sorted(checked.recipient_roles)), recipient_org=recipient_org,
        kinds=dumps(sorted(k.value for k in checked.kinds)), purpose=purpose,
        signed_on=signed_on, expires_on=expires_on, created_at=now, version=1)
    session.add(row)
    session.flush()
    append_to_log(session, actor, case, ConsentRecorded(row.id), now)
    return ConsentView(_consent(row), case.id, row.version)


@unit_of_work
def revoke_consent(
    session: Session, actor: Actor, consent_id: int, revoked_on: date,
    expected_version: int | None = None, at: datetime | None = None,
) -> ConsentView:
    """Record a revocation; disclosures under the consent stop from `revoked_on`."""
    row = session.get(ConsentRow, consent_id)
    if row is None:
        raise NotFound("consent", consent_id)
    _own_provider(actor, row.provider_id, "revoke", f"consents/{consent_id}")
    if expected_version is not None and expected_version != row.version:
        raise StaleVersion("consent", consent_id, expected_version, row.version)
    if row.revoked_on is not None:
        raise Conflict(f"consent {consent_id} was already revoked on {row.revoked_on}")
    row.revoked_on, row.version = revoked_on, row.version + 1
    case = case_row(session, row.case_id)
    append_to_log(session, actor, case, ConsentRevoked(consent_id, revoked_on), utcnow(at))
    return ConsentView(_consent(row), row.case_id, row.version)


@unit_of_work
def list_consents(session: Session, actor: Actor, case_id: str) -> list[ConsentView]:
    """A case's consents, oldest first; a provider sees only its own, and only on a case
    referred to it (audited)."""
    case = _case_for(session, actor, case_id)
    query = select(ConsentRow).where(ConsentRow.case_id == case.id).order_by(ConsentRow.id)
    if actor.role == Role.PROVIDER:
        query = query.where(ConsentRow.provider_id == (actor.provider_id or "\x00none"))
    rows = list(session.scalars(query))
    audit.audit_read(session, actor, f"cases/{case.id}/consents", case.person_id,
                     consent_ids=[r.id for r in rows])
    return [ConsentView(_consent(r), r.case_id, r.version) for r in rows]


def _disposed_on(session: Session, case_id: str) -> date | None:
    for event in case_history(session, case_id):
        if isinstance(event, Disposed):
            return event.disposed_on
    return None


@unit_of_work
def report_engagement(
    session: Session, actor: Actor, *, referral_id: int, reported_on: date,
    attendance: str | None = None, engagement_status: str | None = None,
    dates: Iterable[date] = (), at: datetime | None = None,
) -> int:
    """A provider's engagement report on one of its own referrals; returns the report id."""
    now = utcnow(at)
    referral = session.get(ReferralRow, referral_id)
    if referral is None:
        raise NotFound("referral", referral_id)
    _own_provider(actor, referral.provider_id, "report on", f"referrals/{referral_id}")
    if engagement_status is not None and engagement_status not in ENGAGEMENT_STATUSES:
        raise Conflict(f"engagement_status: {engagement_status!r} is not one of "
                       f"{', '.join(ENGAGEMENT_STATUSES)}")
    case = case_row(session, referral.case_id)
    lifecycle.apply(State(case.state), EngagementReported(0), case.id)
    dates = tuple(dates)
    checks.engagement_dates(reported_on, dates, now.date(), referral.referred_on)
    row = EngagementReportRow(
        referral_id=referral_id, case_id=case.id, provider_id=referral.provider_id,
        reported_on=reported_on, attendance=attendance, engagement_status=engagement_status,
        dates=dumps([d.isoformat() for d in dates]), created_at=now)
    session.add(row)
    session.flush()
    append_to_log(session, actor, case, EngagementReported(row.id), now)
    return row.id


@unit_of_work
def engagement_for_case(
    session: Session, actor: Actor, case_id: str, as_of: date, recipient_org: str | None = None,
) -> list[EngagementView]:
    """Each engagement report on a case as DA staff may see it under consent; each shown
    report is audited with the consents that allowed it, each withheld one as denied."""
    case = case_row(session, case_id)
    consents = [_consent(r) for r in session.scalars(
        select(ConsentRow).where(ConsentRow.person_id == case.person_id))]
    disposed = _disposed_on(session, case.id)
    out: list[EngagementView] = []
    for r in session.scalars(select(EngagementReportRow).where(
            EngagementReportRow.case_id == case.id).order_by(EngagementReportRow.id)):
        report = EngagementReport(
            r.id, case.person_id, r.provider_id, case.id, r.reported_on, r.attendance,
            r.engagement_status, tuple(date.fromisoformat(d) for d in json.loads(r.dates)))
        shown = disclosable(report, consents, actor.role, as_of, recipient_org=recipient_org,
                            disposed_on=disposed)
        detail: dict[str, object]
        if isinstance(shown, NoConsent):
            outcome, detail = "denied", {"reason": shown.reason}
        else:
            outcome = "ok"
            detail = {"consents": list(shown.consent_ids), "kinds": [k.value for k in shown.kinds]}
        audit.append(session, actor, "disclose", f"engagement_reports/{r.id}",
                     person_id=case.person_id, outcome=outcome, detail=detail)
        out.append(EngagementView(r.id, case.id, shown))
    return out
