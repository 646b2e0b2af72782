"""The case store's tables as SQLAlchemy 2 models; the migrations must match them exactly.

Names are plural snake_case. Rows that the API updates carry a `version` column for
optimistic concurrency (If-Match → 412 on a stale version). case_events and audit_log are
append-only: nothing in divert updates or deletes them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # a pseudonym, never a name
    person_link: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    incident_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # PAD link
    docket_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # when id is PAD's
    stage: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), index=True)  # cache of fold(events)
    filing_date: Mapped[date | None] = mapped_column(Date, index=True)
    contact_date: Mapped[date | None] = mapped_column(Date)
    charge_scope: Mapped[str] = mapped_column(String(24))
    pad_referred: Mapped[bool] = mapped_column(Boolean, default=False)
    age: Mapped[int | None] = mapped_column(Integer)
    zip: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(32))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A cache of cases/decision.fold(events), written with the event that changes it, so
    # lists filter and sort on an index instead of searching screenings per case.
    effective_outcome: Mapped[str | None] = mapped_column(String(24))
    machine_outcome: Mapped[str | None] = mapped_column(String(24))  # latest screening's
    decided_by: Mapped[str | None] = mapped_column(String(64))  # reviewer; None: machine
    decision_reason: Mapped[str | None] = mapped_column(Text)
    pending_approval: Mapped[str | None] = mapped_column(String(32), index=True)
    # For the daily queues: the next date the case needs someone (an open offer's deadline;
    # the day a referral with no engagement report becomes overdue), and the vehicle the
    # latest screening named.
    due_on: Mapped[date | None] = mapped_column(Date)
    vehicle: Mapped[str | None] = mapped_column(String(32))
    # Set when the person's records were sealed (expungement, store/sealing.py): from then on
    # no role reads the case; the audit log keeps what was done, for the auditor.
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Facts the bail policy's exceptions read, as the ADA stated them at filing (the feed
    # holds none of them): None means not stated, never "none".
    fentanyl_evidence: Mapped[bool | None] = mapped_column(Boolean)
    bench_warrants_5y: Mapped[int | None] = mapped_column(Integer)
    open_pwid_cases: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_cases_effective_outcome_filing_date", "effective_outcome", "filing_date"),
        Index("ix_cases_state_filing_date", "state", "filing_date"),
        Index("ix_cases_state_due_on", "state", "due_on"),
        Index("ix_cases_vehicle_filing_date", "vehicle", "filing_date"),
    )


class ChargeRow(Base):
    __tablename__ = "charges"
    __table_args__ = (UniqueConstraint("case_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    as_written: Mapped[str] = mapped_column(String(300))
    citation: Mapped[str | None] = mapped_column(String(80))
    grade: Mapped[str | None] = mapped_column(String(8))
    drug: Mapped[str | None] = mapped_column(String(32))


class CaseEventRow(Base):
    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per case
    kind: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of the event's fields
    actor: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScreeningRow(Base):
    __tablename__ = "screenings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    policy_id: Mapped[str] = mapped_column(String(80))
    policy_version: Mapped[int] = mapped_column(Integer)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[date | None] = mapped_column(Date)
    decision_json: Mapped[str] = mapped_column(Text)  # the Decision, stored verbatim
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WhatIfRow(Base):
    """A labelled what-if screening (e.g. "proposal": the draft policy over a real filing).

    Never a live decision: a separate table, so nothing that reads `screenings` (the case's
    outcome, its queues, offers) can take it for one. One per case and label.
    """

    __tablename__ = "what_if_screenings"
    __table_args__ = (UniqueConstraint("case_id", "label"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    policy_id: Mapped[str] = mapped_column(String(80))
    policy_version: Mapped[int] = mapped_column(Integer)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date | None] = mapped_column(Date)
    assumptions: Mapped[str] = mapped_column(Text)  # JSON list; [] when none was assumed
    decision_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_what_if_screenings_label_outcome", WhatIfRow.label, WhatIfRow.outcome)


class BailRecommendationRow(Base):
    """The bail policy's recommendation, made at screening and stored with it (verbatim).

    A table of its own: the case's outcome, queues and offers read `screenings` only, and a
    bail recommendation never decides a charge.
    """

    __tablename__ = "bail_recommendations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))
    outcome: Mapped[str] = mapped_column(String(24))
    policy_id: Mapped[str] = mapped_column(String(80))
    policy_version: Mapped[int] = mapped_column(Integer)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date | None] = mapped_column(Date)
    decision_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProviderRow(Base):
    __tablename__ = "providers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    services: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReferralRow(Base):
    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ConsentRow(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))  # who discloses
    recipient_roles: Mapped[str] = mapped_column(String(200))  # JSON list of roles
    recipient_org: Mapped[str | None] = mapped_column(String(200))
    kinds: Mapped[str] = mapped_column(String(200))  # JSON list of information kinds
    purpose: Mapped[str] = mapped_column(String(300))
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class EngagementReportRow(Base):
    __tablename__ = "engagement_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    attendance: Mapped[str | None] = mapped_column(String(32))
    engagement_status: Mapped[str | None] = mapped_column(String(32))
    dates: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of ISO dates
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SealingRow(Base):
    """One sealing of a person's records: which cases, on whose order, who did and approved it."""

    __tablename__ = "sealings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    case_ids: Mapped[str] = mapped_column(Text)  # JSON list of the cases sealed
    order_ref: Mapped[str] = mapped_column(String(200))  # the court order or petition
    sealed_by: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, never the password
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The 30-second step of the last one-time code accepted: a code is good only once.
    last_totp_step: Mapped[int | None] = mapped_column(Integer)


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. the user
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_person_id", "person_id"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO UTC text, hashed byte for byte
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(64))  # from where: client address or "cli"
    action: Mapped[str] = mapped_column(String(64))
    resource: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | denied | failed
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256(audit key, hash), the key kept outside the database (store/anchor.py);
    # None on entries written before a key was configured.
    mac: Mapped[str | None] = mapped_column(String(64))
