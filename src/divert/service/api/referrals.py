"""Referrals to providers. A provider sees only the referrals sent to it, and only what it
needs to serve the person: the referral, the person's pseudonym — no charges, no history.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from divert.service.auth import actor_of
from divert.service.bounds import IdPath
from divert.service.concurrency import IfMatch, expected_version
from divert.service.deps import ClockDep, CurrentUser, SessionDep, audited_reads, op
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.store import treatment
from divert.store.views import ReferralView

router = APIRouter(prefix="/api/referrals", tags=["referrals"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=64)
    provider_id: str = Field(min_length=1, max_length=64)
    referred_on: date | None = Field(None, description="Defaults to today.")


def referral_public(r: ReferralView) -> dict[str, Any]:
    """Exactly what a provider needs; nothing about charges or criminal history."""
    return {"id": r.id, "case_id": r.case_id, "person_id": r.person_id,
            "provider_id": r.provider_id, "referred_on": r.referred_on.isoformat(),
            "status": r.status, "version": r.version}


@router.get("", summary="List referrals (a provider: only its own)", **op("referrals.read"))
def list_referrals(request: Request, user: CurrentUser, db: SessionDep, page: PageDep,
                   case_id: str | None = None, provider_id: str | None = None
                   ) -> dict[str, Any]:
    with audited_reads(request, db):
        found = treatment.list_referrals(db, actor_of(user), provider_id=provider_id,
                                         case_id=case_id)
    return {"items": [referral_public(r) for r in page.slice(found)], "page": page.page,
            "page_size": page.page_size, "total": len(found)}


@router.get("/{referral_id}", summary="Read a referral", **op("referrals.read", 404))
def get_referral(referral_id: IdPath, user: CurrentUser, db: SessionDep) -> dict[str, Any]:
    return referral_public(treatment.get_referral(db, actor_of(user), referral_id))


@router.post("", status_code=201, summary="Refer the person to a provider",
             **op("referrals.create", 404, 409, 412, 428))
def create_referral(body: ReferralCreate, request: Request, user: CurrentUser, db: SessionDep,
                    clock: ClockDep, if_match: IfMatch = None, key: IdemKey = None) -> Any:
    """Changes the case, so If-Match carries the case's version."""
    sent = expected_version(if_match)
    now = clock.now()

    def action() -> tuple[int, Any]:
        ref = treatment.refer_to_provider(db, actor_of(user), body.case_id, body.provider_id,
                                          body.referred_on or now.date(), sent, now)
        return 201, referral_public(ref)

    fp = fingerprint("POST", request.url.path, {"body": body.model_dump(mode="json"),
                                                "if_match": sent})
    return run_once(db, user.username, key, fp, now, action)
