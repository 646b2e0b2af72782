"""42 CFR Part 2 consents: record (who may receive, which kinds, until when), revoke, list."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from divert.cases.consent import Consent, ConsentInvalid
from divert.service.auth import actor_of
from divert.service.bounds import IdPath
from divert.service.concurrency import IfMatch, expected_version
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.errors import ApiError
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.store import treatment
from divert.store.views import ConsentView

router = APIRouter(prefix="/api/consents", tags=["consents"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=64)
    provider_id: str = Field(min_length=1, max_length=64, description="Who discloses.")
    recipient_roles: list[str] = Field(default_factory=list, max_length=8)
    recipient_org: str | None = Field(None, max_length=200)
    kinds: list[str] = Field(min_length=1, max_length=3,
                             description="attendance, engagement_status, dates")
    purpose: str = Field(min_length=1, max_length=300)
    signed_on: date
    expires_on: date = Field(description="No later than final disposition.")


class ConsentRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked_on: date | None = Field(None, description="Defaults to today.")


def consent_public(c: Consent, case_id: str, version: int) -> dict[str, Any]:
    return {"id": c.consent_id, "case_id": case_id, "person_id": c.person_id,
            "provider_id": c.provider_id, "recipient_roles": sorted(c.recipient_roles),
            "recipient_org": c.recipient_org, "kinds": sorted(k.value for k in c.kinds),
            "purpose": c.purpose, "signed_on": c.signed_on.isoformat(),
            "expires_on": c.expires_on.isoformat(),
            "revoked_on": c.revoked_on.isoformat() if c.revoked_on else None,
            "version": version}


def _view_public(v: ConsentView) -> dict[str, Any]:
    return consent_public(v.consent, v.case_id, v.version)


def _invalid(exc: ConsentInvalid) -> ApiError:
    field = str(exc).split(":", 1)[0] if ":" in str(exc) else ""
    return ApiError(422, str(exc), loc=("body", field) if field.isidentifier() else ("body",))


@router.post("", status_code=201, summary="Record a consent", **op("consents.create", 404, 409))
def create_consent(body: ConsentCreate, request: Request, user: CurrentUser, db: SessionDep,
                   clock: ClockDep, key: IdemKey = None) -> Any:
    now = clock.now()

    def action() -> tuple[int, Any]:
        try:
            view = treatment.record_consent(
                db, actor_of(user), case_id=body.case_id, provider_id=body.provider_id,
                recipient_roles=body.recipient_roles, kinds=body.kinds, purpose=body.purpose,
                signed_on=body.signed_on, expires_on=body.expires_on,
                recipient_org=body.recipient_org, at=now)
        except ConsentInvalid as exc:
            raise _invalid(exc) from exc
        return 201, _view_public(view)

    fp = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
    return run_once(db, user.username, key, fp, now, action)


@router.post("/{consent_id}/revoke", summary="Record a revocation",
             **op("consents.revoke", 404, 409, 412, 428))
def revoke_consent(consent_id: IdPath, body: ConsentRevoke, request: Request, user: CurrentUser,
                   db: SessionDep, clock: ClockDep, if_match: IfMatch = None,
                   key: IdemKey = None) -> Any:
    sent = expected_version(if_match)
    now = clock.now()

    def action() -> tuple[int, Any]:
        view = treatment.revoke_consent(db, actor_of(user), consent_id,
                                        body.revoked_on or now.date(), sent, now)
        return 200, _view_public(view)

    fp = fingerprint("POST", request.url.path, {"body": body.model_dump(mode="json"),
                                                "if_match": sent})
    return run_once(db, user.username, key, fp, now, action)


@router.get("", summary="Consents of a case", **op("consents.read", 404))
def list_consents(case_id: str, user: CurrentUser, db: SessionDep,
                  page: PageDep) -> dict[str, Any]:
    """A provider sees only its own organisation's consents; the read is audited."""
    found = treatment.list_consents(db, actor_of(user), case_id)
    return {"items": [_view_public(v) for v in page.slice(found)], "page": page.page,
            "page_size": page.page_size, "total": len(found)}
