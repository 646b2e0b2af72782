"""Bail and supervision in the API: what the ADA records, and the three side by side."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from divert.cases.bail import Request
from divert.cases.events import BailRequested, SupervisionRequested
from divert.store.bail import BailView


class BailRequestCreate(BaseModel):
    """The bail the ADA asked for (or will ask for, once a departure is approved)."""

    model_config = ConfigDict(extra="forbid")

    requested: Literal["ror", "unsecured", "nonmonetary", "cash"]
    amount: int | None = Field(None, ge=0, le=100_000_000,
                               description="Dollars; required for cash and unsecured bail.")
    on: date | None = Field(None, description="When it was asked; default today.")
    reason: str = Field("", max_length=4000,
                        description="Required when the request departs from the recommendation.")


class CourtBailCreate(BaseModel):
    """The bail the court set, as the docket shows it."""

    model_config = ConfigDict(extra="forbid")

    bail_type: Literal["ror", "unsecured", "nonmonetary", "cash", "denied"]
    amount: int | None = Field(None, ge=0, le=100_000_000,
                               description="Dollars; required for cash and unsecured bail.")
    on: date | None = Field(None, description="When the court set it; default today.")


class BailApprovalCreate(BaseModel):
    """Approve or refuse a bail or supervision request waiting for approval."""

    model_config = ConfigDict(extra="forbid")

    request_seq: int = Field(..., ge=1, description="The request's event number on the case.")
    decision: Literal["approve", "refuse"]
    reason: str = Field("", max_length=4000, description="Required to refuse.")


class SupervisionCreate(BaseModel):
    """The probation the ADA asks for at disposition."""

    model_config = ConfigDict(extra="forbid")

    months: int = Field(..., ge=0, le=600)
    mandatory_months: int = Field(0, ge=0, le=600, description="The longest term a statute "
                                  "requires for this disposition; 0 when none.")
    on: date | None = None
    reason: str = Field("", max_length=4000,
                        description="Required when the request is over the policy's cap.")


class RequestPublic(BaseModel):
    seq: int
    status: str  # in_effect | waiting | approved | refused
    approval: str | None
    by: str
    on: date
    reason: str
    decided_by: str | None
    refusal: str | None
    requested: str | None = None  # bail
    amount: int | None = None
    months: int | None = None  # supervision
    mandatory_months: int | None = None
    recommendation: str | None = None

    @classmethod
    def of(cls, r: Request) -> RequestPublic:
        e = r.event
        common: dict[str, Any] = {"seq": r.seq, "status": r.status, "approval": e.approval,
                                  "by": e.by, "on": e.requested_on, "reason": e.reason,
                                  "decided_by": r.decided_by, "refusal": r.refusal}
        if isinstance(e, BailRequested):
            return cls(**common, requested=e.requested, amount=e.amount)
        assert isinstance(e, SupervisionRequested)
        return cls(**common, months=e.months, mandatory_months=e.mandatory_months,
                   recommendation=e.recommendation)


class CourtBailPublic(BaseModel):
    seq: int
    bail_type: str
    amount: int | None
    on: date


class RecommendationPublic(BaseModel):
    outcome: str
    because: list[str]
    says: list[str]  # the deciding rules' sentences, with their clauses
    unknowns: list[str]
    policy: dict[str, Any]
    created_at: datetime


class BailPublic(BaseModel):
    """The recommendation, the request and the court's bail, side by side."""

    case_id: str
    recommendation: RecommendationPublic | None
    requests: list[RequestPublic]
    court: list[CourtBailPublic]
    supervision: list[RequestPublic]
    waiting: list[int]

    @classmethod
    def of(cls, view: BailView) -> BailPublic:
        rec = None
        if view.recommendation is not None:
            d = view.recommendation.decision
            deciding = [r for r in d["rules"] if r["rule"] in d["because"]]
            rec = RecommendationPublic(
                outcome=d["outcome"], because=list(d["because"]),
                says=[f"clause {r['clause']} — {r['says']}" for r in deciding],
                unknowns=list(d["unknowns"]), policy=d["policy"],
                created_at=view.recommendation.created_at)
        h = view.history
        return cls(case_id=view.case_id, recommendation=rec,
                   requests=[RequestPublic.of(r) for r in h.requests],
                   court=[CourtBailPublic(seq=s, bail_type=e.bail_type, amount=e.amount,
                                          on=e.set_on) for s, e in h.court],
                   supervision=[RequestPublic.of(r) for r in h.supervision],
                   waiting=list(h.waiting))
