"""Engagement reports: a provider files them on its own referrals; DA staff read them only
as far as a recorded consent discloses them, each with the re-disclosure notice.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from divert.cases.consent import rules
from divert.service.auth import actor_of
from divert.service.bounds import IdField
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.disclosure import disclosure_public, engagement_disclosures
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.store import treatment

router = APIRouter(prefix="/api", tags=["engagement"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class EngagementCreate(BaseModel):
    """Attendance, engagement status and dates only: never diagnosis or clinical notes."""

    model_config = ConfigDict(extra="forbid")

    referral_id: IdField
    reported_on: date
    attendance: str | None = Field(None, max_length=32, examples=["attended 3 of 4"])
    engagement_status: Literal["engaged", "not_engaged", "completed"] | None = None
    dates: list[date] = Field(default_factory=list, max_length=366)


@router.post("/engagement-reports", status_code=201, summary="File an engagement report",
             **op("engagement.create", 404, 409))
def create_report(body: EngagementCreate, request: Request, user: CurrentUser, db: SessionDep,
                  clock: ClockDep, key: IdemKey = None) -> Any:
    now = clock.now()

    def action() -> tuple[int, Any]:
        report_id = treatment.report_engagement(
            db, actor_of(user), referral_id=body.referral_id, reported_on=body.reported_on,
            attendance=body.attendance, engagement_status=body.engagement_status,
            dates=body.dates, at=now)
        return 201, {"id": report_id, "referral_id": body.referral_id}

    fp = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
    return run_once(db, user.username, key, fp, now, action)


@router.get("/cases/{case_id:id}/engagement", summary="Engagement reports under consent",
            **op("engagement.read", 404))
def read_engagement(case_id: str, user: CurrentUser, db: SessionDep, clock: ClockDep,
                    page: PageDep) -> dict[str, Any]:
    """Only disclosed reports are listed; with none, `message` is "no report under consent"."""
    shown = engagement_disclosures(db, user, case_id, clock.now())
    return {"items": [disclosure_public(d) for d in page.slice(shown)], "page": page.page,
            "page_size": page.page_size, "total": len(shown),
            "message": None if shown else rules().no_report}
