"""Treatment and services providers: anyone who works with referrals may list them;
administrators add them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from divert.service import messages
from divert.service.auth import actor_of
from divert.service.bounds import Count
from divert.service.deps import ClockDep, CurrentUser, SessionDep, op
from divert.service.errors import ApiError
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.store import treatment
from divert.store.views import ProviderView

router = APIRouter(prefix="/api/providers", tags=["providers"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class ProviderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=200)
    services: str = Field("", max_length=200)
    capacity: Count | None = None


def provider_public(p: ProviderView) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "services": p.services, "capacity": p.capacity,
            "version": p.version}


@router.get("", summary="List providers", **op("providers.read"))
def list_providers(db: SessionDep, page: PageDep) -> dict[str, Any]:
    found = treatment.list_providers(db)
    return {"items": [provider_public(p) for p in page.slice(found)], "page": page.page,
            "page_size": page.page_size, "total": len(found)}


@router.get("/{provider_id}", summary="Read a provider", **op("providers.read", 404))
def get_provider(provider_id: str, db: SessionDep) -> dict[str, Any]:
    for p in treatment.list_providers(db):
        if p.id == provider_id:
            return provider_public(p)
    raise ApiError(404, messages.NOT_FOUND.format(thing="provider", id=provider_id),
                   loc=("path", "provider_id"))


@router.post("", status_code=201, summary="Add a provider", **op("providers.create", 409))
def create_provider(body: ProviderCreate, request: Request, user: CurrentUser, db: SessionDep,
                    clock: ClockDep, key: IdemKey = None) -> Any:
    now = clock.now()

    def action() -> tuple[int, Any]:
        view = treatment.create_provider(db, actor_of(user), provider_id=body.id,
                                         name=body.name, services=body.services,
                                         capacity=body.capacity, at=now)
        return 201, provider_public(view)

    fp = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
    return run_once(db, user.username, key, fp, now, action)
