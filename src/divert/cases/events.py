"""What can happen to a case, one frozen dataclass per event, named in the past tense.

Events are facts: once appended they are never edited. Who recorded an event and when is
kept by the event log beside it (store.case_events), so the payloads here hold only what
the event itself says. `to_payload`/`from_payload` give the stable JSON stored in the log.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from divert.errors import DivertError
from divert.policy.explain import Outcome


class BadEventPayload(DivertError):
    """A stored or submitted event payload that does not match its event type."""


def _require_text(kind: str, name: str, value: str) -> None:
    if not value.strip():
        raise BadEventPayload(f"{kind}: field {name!r} must be written out; it is empty")


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every case event; `kind` is the stored type name (the class name)."""

    kind: ClassVar[str] = "Event"


@dataclass(frozen=True, slots=True)
class PadReferred(Event):
    """A police officer referred the person to services before any charge (PAD).

    `counted_from` names the person's earlier PAD referrals (case ids) that made up the
    contact count the PAD policy read, so the count can be checked later.
    """

    incident_id: str
    contact_date: date
    officer: str
    provider_id: str | None = None
    police_district: int | None = None
    counted_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseFiled(Event):
    """The case reached the DA as a filing; `pad_first` if PAD came first for this incident."""

    filing_date: date
    charges: tuple[str, ...]
    incident_id: str | None = None
    pad_first: bool = False


@dataclass(frozen=True, slots=True)
class Screened(Event):
    """The policy was applied; the Decision JSON is stored verbatim with the policy's identity."""

    screening_id: int
    outcome: str
    policy_id: str
    policy_version: int
    policy_sha256: str


@dataclass(frozen=True, slots=True)
class DecisionConfirmed(Event):
    """The charging ADA agreed with the stored decision.

    `approval` names who must still approve it (a policy clause's `approval`, e.g. a
    supervisor for a case the policy sends to a supervising ADA); None: it takes effect now.
    """

    screening_id: int
    by: str
    approval: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionOverridden(Event):
    """The ADA chose another outcome, with a written reason; the stored decision is untouched.

    `approval` names who must approve the override before it takes effect (the deciding
    clause's `override_approval`, or the office's default); None: it takes effect now.
    """

    screening_id: int
    outcome: str
    reason: str
    by: str
    approval: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in {o.value for o in Outcome}:
            raise BadEventPayload(f"DecisionOverridden: field 'outcome': {self.outcome!r} is "
                                  f"not one of {', '.join(o.value for o in Outcome)}")
        _require_text("DecisionOverridden", "reason", self.reason)


@dataclass(frozen=True, slots=True)
class ReviewApproved(Event):
    """The approver the review named agreed: the review (event `review_seq`) takes effect."""

    review_seq: int
    by: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewRefused(Event):
    """The approver refused the review (event `review_seq`): the decision before it stands."""

    review_seq: int
    by: str
    reason: str

    def __post_init__(self) -> None:
        _require_text("ReviewRefused", "reason", self.reason)


@dataclass(frozen=True, slots=True)
class OfferMade(Event):
    """A diversion offer was made to the person, open until `expires_on`."""

    expires_on: date
    terms: str = ""


@dataclass(frozen=True, slots=True)
class OfferAccepted(Event):
    """The person accepted the diversion offer."""

    accepted_on: date


@dataclass(frozen=True, slots=True)
class OfferDeclined(Event):
    """The person declined the offer; the case goes on to prosecution."""

    declined_on: date


@dataclass(frozen=True, slots=True)
class OfferExpired(Event):
    """The offer's deadline passed without an answer."""

    expired_on: date


@dataclass(frozen=True, slots=True)
class ReferredToProvider(Event):
    """The person was referred to a treatment or services provider."""

    referral_id: int
    provider_id: str


@dataclass(frozen=True, slots=True)
class ConsentRecorded(Event):
    """The person signed a 42 CFR Part 2 consent (the consent itself is in the consents table)."""

    consent_id: int


@dataclass(frozen=True, slots=True)
class ConsentRevoked(Event):
    """The person revoked a consent; disclosures under it stop from `revoked_on`."""

    consent_id: int
    revoked_on: date


@dataclass(frozen=True, slots=True)
class EngagementReported(Event):
    """A provider filed an engagement report; only its id is here, never its content."""

    report_id: int


@dataclass(frozen=True, slots=True)
class DiversionCompleted(Event):
    """The person completed the diversion."""

    completed_on: date


@dataclass(frozen=True, slots=True)
class ReturnedToProsecution(Event):
    """The diversion ended without completion; the case goes back to prosecution."""

    reason: str

    def __post_init__(self) -> None:
        _require_text("ReturnedToProsecution", "reason", self.reason)


@dataclass(frozen=True, slots=True)
class ChargesWithdrawn(Event):
    """The DA withdrew the charges (after completion, or at any earlier point)."""

    withdrawn_on: date
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Disposed(Event):
    """The court disposed of the case (final disposition)."""

    disposed_on: date
    disposition: str


@dataclass(frozen=True, slots=True)
class ReArrestRecorded(Event):
    """A new case was filed for a person with an open or past diversion (recorded automatically)."""

    new_case_id: str
    filing_date: date


BAIL_REQUESTS = ("ror", "unsecured", "nonmonetary", "cash")  # what the office may ask
COURT_BAIL = ("ror", "unsecured", "nonmonetary", "cash", "denied")  # what a court may set


def _amount(kind: str, bail: str, amount: int | None) -> None:
    if amount is not None and amount < 0:
        raise BadEventPayload(f"{kind}: field 'amount' must be 0 or more dollars")
    if bail in ("cash", "unsecured") and amount is None:
        raise BadEventPayload(f"{kind}: field 'amount': {bail} bail needs its amount in dollars")


@dataclass(frozen=True, slots=True)
class BailRequested(Event):
    """The ADA's bail request at the preliminary arraignment, as actually made (or to be made).

    `approval` names who must approve it first: the bail policy's `override_approval` when
    the request departs from its recommendation (policy/departure.py); None: no departure.
    """

    requested: str  # ror | unsecured | nonmonetary | cash
    requested_on: date
    by: str
    amount: int | None = None  # dollars, for cash or unsecured bail
    reason: str = ""
    approval: str | None = None

    def __post_init__(self) -> None:
        if self.requested not in BAIL_REQUESTS:
            raise BadEventPayload(f"BailRequested: field 'requested': {self.requested!r} is "
                                  f"not one of {', '.join(BAIL_REQUESTS)}")
        _amount("BailRequested", self.requested, self.amount)
        if self.approval is not None:
            _require_text("BailRequested", "reason", self.reason)


@dataclass(frozen=True, slots=True)
class BailRequestApproved(Event):
    """The approver the bail policy names agreed to the request at event `request_seq`."""

    request_seq: int
    by: str


@dataclass(frozen=True, slots=True)
class BailRequestRefused(Event):
    """The approver refused the bail request at event `request_seq`, with a reason."""

    request_seq: int
    by: str
    reason: str

    def __post_init__(self) -> None:
        _require_text("BailRequestRefused", "reason", self.reason)


@dataclass(frozen=True, slots=True)
class CourtBailSet(Event):
    """The bail the court set (type, amount, date), recorded by the ADA from the docket."""

    bail_type: str  # ror | unsecured | nonmonetary | cash | denied
    set_on: date
    amount: int | None = None

    def __post_init__(self) -> None:
        if self.bail_type not in COURT_BAIL:
            raise BadEventPayload(f"CourtBailSet: field 'bail_type': {self.bail_type!r} is not "
                                  f"one of {', '.join(COURT_BAIL)}")
        _amount("CourtBailSet", self.bail_type, self.amount)


@dataclass(frozen=True, slots=True)
class SupervisionRequested(Event):
    """The probation the ADA asks for at disposition, with the supervision policy's cap.

    `recommendation` is the supervision policy's outcome for the case as it stood;
    `approval` names who must approve a request over its cap (None: within it).
    """

    months: int
    requested_on: date
    by: str
    recommendation: str
    mandatory_months: int = 0
    reason: str = ""
    approval: str | None = None

    def __post_init__(self) -> None:
        if self.months < 0 or self.mandatory_months < 0:
            raise BadEventPayload("SupervisionRequested: months must be 0 or more")
        if self.approval is not None:
            _require_text("SupervisionRequested", "reason", self.reason)


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        PadReferred, CaseFiled, Screened, DecisionConfirmed, DecisionOverridden, ReviewApproved,
        ReviewRefused, OfferMade,
        OfferAccepted, OfferDeclined, OfferExpired, ReferredToProvider, ConsentRecorded,
        ConsentRevoked, EngagementReported, DiversionCompleted, ReturnedToProsecution,
        ChargesWithdrawn, Disposed, ReArrestRecorded, BailRequested, BailRequestApproved,
        BailRequestRefused, CourtBailSet, SupervisionRequested,
    )
}


def kind_of(event: Event) -> str:
    """The stored type name of an event."""
    return type(event).__name__


def to_payload(event: Event) -> dict[str, Any]:
    """The event's fields as JSON-ready values (dates as ISO strings, tuples as lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def from_payload(kind: str, payload: dict[str, Any]) -> Event:
    """Rebuild an event from its stored type name and payload; bad input names the field."""
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        raise BadEventPayload(f"unknown event type {kind!r}; known: {', '.join(EVENT_TYPES)}")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in payload:
            if f.default is dataclasses.MISSING:
                raise BadEventPayload(f"{kind}: field {f.name!r} is required")
            continue
        values[f.name] = _coerce(kind, f.name, hints[f.name], payload[f.name])
    extra = set(payload) - {f.name for f in dataclasses.fields(cls)}
    if extra:
        raise BadEventPayload(f"{kind}: unexpected field(s) {', '.join(sorted(extra))}")
    return cls(**values)


def _coerce(kind: str, name: str, hint: Any, value: Any) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        hint = next(a for a in args if a is not type(None))
    try:
        if hint is date:
            return value if isinstance(value, date) else date.fromisoformat(value)
        if typing.get_origin(hint) is tuple:
            return tuple(str(v) for v in value)
        if hint is bool:
            if not isinstance(value, bool):
                raise TypeError("expected true or false")
            return value
        if hint is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("expected an integer")
            return value
        if hint is str:
            if not isinstance(value, str):
                raise TypeError("expected a string")
            return value
    except (TypeError, ValueError) as exc:
        raise BadEventPayload(f"{kind}: field {name!r}: {exc} (got {value!r})") from exc
    return value
