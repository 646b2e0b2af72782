"""Dependencies every route uses: the database session, the clock, the logged-in user, and the
operation each route declares (deny by default).

`op("cases.read")` is the only way a route says who may call it: it checks the role against
the checked-in role × operation table (cases/access.py) and records the operation in the
OpenAPI document as `x-operation`, so a test generated from /openapi.json covers every pair.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from divert.cases import access
from divert.service import messages
from divert.service.auth import Principal, resume_session
from divert.service.clientaddr import client_address
from divert.service.clock import Clock
from divert.service.errors import ApiError, responses
from divert.service.paths import IdConvertor
from divert.service.settings import Settings
from divert.store.handles import Session

SESSION_COOKIE = "divert_session"
PUBLIC = "public"  # the x-operation of the few routes anyone may call (login, docs)
SESSION = "session"  # any logged-in account, whatever its role (logout, "who am I")

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/auth/login")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; the repository commits each write with its audit entry."""
    with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SessionDep = Annotated[Session, Depends(get_db)]


def session_token(request: Request, creds: HTTPAuthorizationCredentials | None) -> str | None:
    """The bearer token (API) or the session cookie (pages), whichever came."""
    if creds is not None and creds.scheme.lower() == "bearer":
        return creds.credentials
    return request.cookies.get(SESSION_COOKIE)


def current_user(
    request: Request,
    db: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The logged-in user, or 401; an idle or too-old session is ended and refused."""
    token = session_token(request, creds)
    if not token:
        raise ApiError(401, messages.NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})
    principal = resume_session(db, token, clock.now(), settings, client_address(request))
    if principal is None:
        raise ApiError(401, messages.SESSION_EXPIRED, headers={"WWW-Authenticate": "Bearer"})
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def audited_reads(request: Request, db: Session) -> Any:
    """`with audited_reads(request, db):` around pure reads of the API: their audit entries
    are group-committed with other requests' (store/groupcommit.py), durably, before the
    route returns; an error inside writes none (as a unit of work would roll it back)."""
    from divert.store.groupcommit import deferred

    return deferred(db, request.app.state.audit_group)


def refuse(db: Session, user: Principal, operation: str, resource: str, now: Any) -> None:
    """Audit a refused attempt (who tried what, from where), then nothing else is done."""
    from divert.cases.access import Actor
    from divert.store import audit
    from divert.store.unit import atomic

    actor = Actor(user.username, user.role, user.source, user.provider_id)
    with atomic(db):
        audit.append(db, actor, operation, resource, outcome="denied", at=now,
                     detail={"reason": "role"})


def _checker(operation: str) -> Any:
    def check(request: Request, user: CurrentUser, db: SessionDep, clock: ClockDep) -> Principal:
        if operation != SESSION and not access.is_allowed(user.role, operation):
            refuse(db, user, operation, request.url.path, clock.now())
            raise ApiError(
                403, messages.NOT_PERMITTED.format(role=user.role, operation=operation)
            )
        return user

    check.__name__ = f"require_{operation.replace('.', '_')}"
    return check


def op(operation: str, *statuses: int) -> dict[str, Any]:
    """Route keyword arguments declaring `operation`: the role check plus `x-operation`.

    Use as `@router.get("/cases", **op("cases.read"))`.
    """
    if operation != SESSION and operation not in access.OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; add it to cases/access.py first")
    return {
        "dependencies": [Depends(_checker(operation))],
        "openapi_extra": {"x-operation": operation},
        "responses": responses(401, 403, 422, *statuses),
    }


def public(*statuses: int) -> dict[str, Any]:
    """Route keyword arguments for a route anyone may call (login); said out loud."""
    return {"openapi_extra": {"x-operation": PUBLIC}, "responses": responses(422, *statuses)}


# Every router imports this module before declaring routes, so `{case_id:id}` is registered
# (by importing divert.service.paths) before any route path is compiled.
ID_CONVERTOR = IdConvertor
