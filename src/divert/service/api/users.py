"""Accounts over the API: administrators list, create, change role, lock and unlock."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field

from divert.service.accounts import AccountError, add_account, user_public
from divert.service.auth import actor_of
from divert.service.bounds import IdPath
from divert.service.concurrency import IfMatch, expected_version
from divert.service.deps import ClockDep, CurrentUser, SessionDep, SettingsDep, op
from divert.service.errors import ApiError
from divert.service.idempotency import fingerprint, run_once
from divert.service.pagination import PageDep
from divert.store import accounts

router = APIRouter(prefix="/api/users", tags=["users"])
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: str
    provider_id: str | None = None


class UserUpdate(BaseModel):
    role: str | None = None
    provider_id: str | None = Field(None, description="With role=provider: its organisation.")
    unlock: bool = Field(False, description="Clear the lock and the failed-login count.")
    lock: bool = Field(False, description="Lock the account: its sessions end and it cannot "
                       "log in until unlocked. Failed logins never lock an account.")


@router.get("", summary="List accounts", **op("users.read"))
def list_users(user: CurrentUser, db: SessionDep, page: PageDep) -> dict[str, Any]:
    found = accounts.list_users(db, actor_of(user), page.page, page.page_size)
    return {"items": [user_public(u) for u in found.items], "page": found.page,
            "page_size": found.page_size, "total": found.total}


@router.post("", status_code=201, summary="Create an account", **op("users.create", 409))
def create_user(body: UserCreate, request: Request, user: CurrentUser, db: SessionDep,
                clock: ClockDep, settings: SettingsDep, key: IdemKey = None) -> Any:
    """Returns the TOTP secret and otpauth URI once; they are never shown again."""
    def action() -> tuple[int, Any]:
        try:
            acct = add_account(db, actor_of(user), body.username, body.password, body.role,
                               body.provider_id, clock.now(), issuer=settings.totp_issuer)
        except AccountError as exc:
            status = 409 if "taken" in str(exc) else 422
            raise ApiError(status, str(exc), loc=("body", exc.field)) from exc
        return 201, {"id": acct.id, "username": acct.username, "role": acct.role,
                     "totp_secret": acct.totp_secret, "otpauth_uri": acct.uri, "version": 1}

    fp = fingerprint("POST", request.url.path, body.model_dump())
    return run_once(db, user.username, key, fp, clock.now(), action)


@router.patch("/{user_id}", summary="Change role, lock or unlock",
              **op("users.update", 404, 412, 428))
def update_user(user_id: IdPath, body: UserUpdate, user: CurrentUser, db: SessionDep,
                clock: ClockDep, if_match: IfMatch = None) -> dict[str, Any]:
    sent = expected_version(if_match)
    view = accounts.update_user(db, actor_of(user), user_id, sent, role=body.role,
                                provider_id=body.provider_id, unlock=body.unlock, lock=body.lock,
                                at=clock.now())
    return user_public(view)
