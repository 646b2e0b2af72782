"""Case bodies: CasePublic (what DA staff read), CaseCreate (filing by hand), event bodies."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from divert.policy.explain import Outcome
from divert.service import messages
from divert.service.pad import DISTRICTS, PadOffense
from divert.service.schemas.screen import ChargeIn
from divert.store.views import CaseView


class CasePublic(BaseModel):
    id: str
    person_id: str = Field(description="A pseudonym, never a name.")
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
    version: int = Field(description="Send it back in If-Match when you change the case.")
    charges: list[ChargeIn]
    outcome: str | None = Field(None, description=(
        "The decision in effect: the latest screening's, or the latest approved review over "
        "it (who and why below); null if never screened."))
    machine_outcome: str | None = Field(None, description="The latest screening's outcome.")
    decided_by: str | None = Field(None, description="The reviewer whose decision is in "
                                   "effect; null when it is the screening's.")
    decision_reason: str | None = Field(None, description="The override's written reason.")
    pending_approval: str | None = Field(None, description=(
        "A review waits for this approval (a policy clause's approval, e.g. supervisor) and "
        "does not count until it is given."))
    vehicle: str | None = Field(None, description="The vehicle the latest screening named "
                                "for a divert (policies/…/vehicles.yaml).")
    due_on: date | None = Field(None, description=(
        "The next date the case needs someone: an open offer's deadline, or the day a "
        "referral with no engagement report becomes overdue."))

    @classmethod
    def of(cls, v: CaseView) -> CasePublic:
        data: dict[str, Any] = {
            f: getattr(v, f) for f in cls.model_fields if f not in ("charges", "outcome")
        }
        charges = [ChargeIn(as_written=c.as_written, citation=c.citation, grade=c.grade,
                            drug=c.drug) for c in v.charges]
        return cls(**data, charges=charges, outcome=v.outcome)


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=64)
    person_id: str = Field(min_length=1, max_length=64, description="A pseudonym.")
    charges: list[ChargeIn] = Field(min_length=1, max_length=100)
    filing_date: date
    incident_id: str | None = Field(None, max_length=64)
    age: int | None = Field(None, ge=0, le=120, description="Age at filing, whole years; "
                            "leave out when not known (a policy then says so).")
    screen: bool = Field(True, description="Screen it at once under the policy in force.")
    fentanyl_evidence: bool | None = Field(
        None, description="For the bail policy: the record shows evidence of fentanyl; leave "
        "out when not known (the recommendation then goes to review, naming it).")
    bench_warrants_5y: int | None = Field(
        None, ge=0, le=1000, description="For the bail policy: bench warrants in the past five "
        "years; leave out when not known.")
    open_pwid_cases: int | None = Field(
        None, ge=0, le=1000, description="For the bail policy: the person's open cases of "
        "possession with intent to deliver; leave out when not known.")


class PadCreate(BaseModel):
    """A PAD referral: the offenses as the officer would say them, the district, the date.

    The contact date must be today or earlier and not before PAD began (the first day of the
    PAD policy's first version); that check needs the clock and the policy, so
    `service.pad.refer` makes it (cases/checks.py).
    """

    model_config = ConfigDict(extra="forbid")

    case_id: str | None = Field(None, min_length=1, max_length=64,
                                description="Defaults to PAD-<incident_id>.")
    person_id: str = Field(min_length=1, max_length=64, description="A pseudonym.")
    incident_id: str = Field(min_length=1, max_length=64,
                             description="Stored exactly as typed ('#' and '/' included).")
    contact_date: date
    offenses: list[PadOffense] = Field(max_length=len(PadOffense),
                                       description="One or more; possession with "
                                       "paraphernalia is the common stop.")
    police_district: int = Field(description="The police district of the stop, 1 to 39.")
    provider_id: str | None = Field(None, max_length=64,
                                    description="Sent the referral if the person is eligible.")

    @field_validator("offenses")
    @classmethod
    def _some_offense(cls, value: list[PadOffense]) -> list[PadOffense]:
        """Without an offense the PAD policy cannot decide; say which ones to choose from."""
        if not value:
            raise PydanticCustomError("pad_offense", messages.PAD_NO_OFFENSE)
        return value

    @field_validator("police_district")
    @classmethod
    def _district(cls, value: int) -> int:
        """A plain sentence instead of pydantic's bound message."""
        if not DISTRICTS[0] <= value <= DISTRICTS[1]:
            raise PydanticCustomError("pad_district", messages.PAD_BAD_DISTRICT)
        return value


class ReviewCreate(BaseModel):
    """Confirm the decision, or override it with a written reason (it stays stored as is)."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "override"]
    outcome: Outcome | None = Field(None, description="The outcome chosen when overriding.")
    reason: str = Field("", max_length=4000)


class ApprovalCreate(BaseModel):
    """Approve the review waiting on a case, or refuse it with a written reason."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "refuse"]
    reason: str = Field("", max_length=4000, description="Required to refuse.")


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_on: date
    terms: str = Field("", max_length=4000)


class OfferAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["accepted", "declined", "expired"]
    on: date | None = Field(None, description="Defaults to today.")


class OutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["completed", "returned_to_prosecution", "charges_withdrawn", "disposed"]
    on: date | None = Field(None, description="Defaults to today.")
    reason: str = Field("", max_length=4000)
    disposition: str = Field("", max_length=200)
