"""Logging in and out over the API: POST /api/auth/login returns a bearer token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from divert.service import auth as auth_rules
from divert.service.clientaddr import client_address
from divert.service.deps import ClockDep, CurrentUser, SessionDep, SettingsDep, op, public

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str = Field(min_length=6, max_length=8, description="The current one-time code.")


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"
    username: str
    role: str
    expires_at: str


@router.post("/login", summary="Log in (password + one-time code)", **public(401, 423, 429))
def login(body: LoginRequest, request: Request, db: SessionDep, clock: ClockDep,
          settings: SettingsDep) -> LoginResponse:
    """Five failures for one username from one address within the window make that address
    wait (429 with Retry-After, doubling up to 15 minutes); other addresses and live sessions
    are untouched. No failure locks an account: only an administrator does."""
    result = auth_rules.login(db, body.username, body.password, body.totp, clock.now(),
                              settings, client_address(request),
                              request.app.state.login_throttle)
    return LoginResponse(token=result.token, username=result.principal.username,
                         role=result.principal.role, expires_at=result.expires_at.isoformat())


@router.post("/logout", summary="End this session", **op("session"))
def logout(user: CurrentUser, db: SessionDep, clock: ClockDep) -> dict[str, Any]:
    auth_rules.logout(db, user, clock.now())
    return {"ok": True}


@router.get("/me", summary="Who am I", **op("session"))
def me(user: CurrentUser) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "provider_id": user.provider_id}
