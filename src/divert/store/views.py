"""What the repository hands back: plain frozen values, never ORM rows.

Callers (service, CLI) never hold a live database object, so nothing they do can write
behind the repository's back, and every value is safe to keep after the session closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from divert.cases.consent import Consent, Disclosure, NoConsent
from divert.errors import DivertError
from divert.model.case import Case as ScreeningCase
from divert.model.case import Charge, ChargeScope, PersonRecord, Stage

T = TypeVar("T")


class NotFound(DivertError):
    """No such row (the service answers 404)."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"{kind} {key!r} does not exist")


class StaleVersion(DivertError):
    """The row changed since the caller read it (the service answers 412, never a lost update)."""

    def __init__(self, kind: str, key: object, expected: int, actual: int) -> None:
        self.kind, self.key, self.expected, self.actual = kind, key, expected, actual
        super().__init__(
            f"{kind} {key!r} is at version {actual}, not {expected}: "
            "read it again and re-apply your change"
        )


class Conflict(DivertError):
    """The write contradicts what is stored (duplicate id, reused idempotency key; 409)."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    page_size: int
    total: int
    total_exact: bool = True  # False: there are more than `total` (a list stops counting)


SORTS = ("filed_desc", "filed_asc", "case_id", "due_asc")
PROPOSAL = "proposal"  # the what-if label of the office's draft policy over real filings


@dataclass(frozen=True, slots=True)
class CaseFilters:
    """List filters; None means "any"."""

    state: str | None = None
    stage: str | None = None
    person_id: str | None = None
    outcome: str | None = None  # the decision in effect
    pending_approval: str | None = None  # reviews waiting for this approval
    filed_from: date | None = None
    filed_to: date | None = None
    search: str | None = None  # a case, person, docket or incident id, or words of a charge
    sort: str = "filed_desc"  # one of SORTS
    proposal: str | None = None  # the outcome under the proposal (a what-if, not a decision)
    vehicle: str | None = None  # the vehicle the latest screening named
    provider_id: str | None = None  # cases referred to this provider
    due_by: date | None = None  # cases due for something on or before this day


@dataclass(frozen=True, slots=True)
class CaseView:
    id: str
    person_id: str
    state: str
    stage: str
    filing_date: date | None
    contact_date: date | None
    charge_scope: str
    pad_referred: bool
    incident_id: str | None
    docket_id: str | None
    age: int | None
    zip: str | None
    source: str
    version: int
    charges: tuple[Charge, ...] = ()
    outcome: str | None = None  # the decision in effect (cases/decision.py); None: unscreened
    machine_outcome: str | None = None  # the latest screening's, shown beside it
    decided_by: str | None = None  # the reviewer whose decision is in effect; None: machine
    decision_reason: str | None = None
    pending_approval: str | None = None  # a review waits for this approval
    due_on: date | None = None  # an open offer's deadline, or a referral's first report
    vehicle: str | None = None  # the vehicle the latest screening named
    bail_facts: BailFacts | None = None  # what the ADA stated for the bail policy's exceptions

    def to_screening_case(self, person: PersonRecord | None) -> ScreeningCase:
        """The pure `model.case.Case` screening reads: no engagement, no consent, by design."""
        return ScreeningCase(
            case_id=self.id, charges=self.charges, filing_date=self.filing_date,
            contact_date=self.contact_date, person=person,
            charge_scope=ChargeScope(self.charge_scope), stage=Stage(self.stage),
            pad_referred=self.pad_referred, age=self.age,
            fentanyl_evidence=self.bail_facts.fentanyl_evidence if self.bail_facts else None,
        )


@dataclass(frozen=True, slots=True)
class BailFacts:
    """The facts the bail policy's exceptions read, as the ADA states them (None: not stated)."""

    fentanyl_evidence: bool | None = None
    bench_warrants_5y: int | None = None
    open_pwid_cases: int | None = None


@dataclass(frozen=True, slots=True)
class EventView:
    case_id: str
    seq: int
    kind: str
    payload: dict[str, Any]
    actor: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ScreeningView:
    id: int
    case_id: str
    outcome: str
    policy_id: str
    policy_version: int
    policy_sha256: str
    engine: str
    as_of: date | None
    decision: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProviderView:
    id: str
    name: str
    services: str
    capacity: int | None
    version: int


@dataclass(frozen=True, slots=True)
class ReferralView:
    """What a provider needs to serve the person: no charges, no criminal history."""

    id: int
    case_id: str
    person_id: str
    provider_id: str
    referred_on: date
    status: str
    version: int


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    role: str
    provider_id: str | None
    locked: bool
    failed_logins: int
    has_totp: bool
    version: int


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response first given for an idempotency key, replayed for a repeat."""

    request_sha256: str
    status_code: int
    body: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did; re-importing the same file gives added == 0, screened == 0."""

    path: str
    rows_read: int
    rows_refused: int
    cases_in_file: int
    cases_added: int
    cases_already_present: int
    cases_screened: int
    people_added: int
    rearrests_recorded: int
    refusals: Sequence[str] = field(default=())  # "file:line: column: reason"
    outcomes: dict[str, int] = field(default_factory=dict)
    unscreened: Sequence[str] = field(default=())  # "count × reason" for cases not screened
    cases_conflicting: int = 0  # stored cases the file describes differently (kept as stored)
    conflicts: Sequence[str] = field(default=())  # "file:line: case … is already stored …"


@dataclass(frozen=True, slots=True)
class ConsentView:
    """A recorded consent (the pure `cases.consent.Consent`) with its case and row version."""

    consent: Consent
    case_id: str
    version: int


@dataclass(frozen=True, slots=True)
class EngagementView:
    """One engagement report as DA staff may see it: the disclosure, or "no report under
    consent"."""

    report_id: int
    case_id: str
    shown: Disclosure | NoConsent
