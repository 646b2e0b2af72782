"""The administrator's and the auditor's pages: accounts (create, change role, unlock) and the
audit log with its chain check — the same store calls as /api/users and /api/audit, so an
office never needs the API page for its daily work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from divert.cases.access import ROLES
from divert.errors import DivertError
from divert.service.accounts import AccountError, add_account
from divert.service.auth import actor_of
from divert.service.bounds import MAX_INT, IdPath, PageQuery
from divert.service.deps import ClockDep, Principal, SessionDep, SettingsDep
from divert.store import accounts, audit, treatment
from divert.store.unit import atomic

from .guard import TEMPLATES, page, page_user

router = APIRouter(tags=["pages"])
PageUser = Annotated[Principal, Depends(page_user)]
AUDIT_PAGE = 100


def _users_page(request: Request, db: SessionDep, user: Principal, *, status: int = 200,
                error: str | None = None, created: dict[str, str] | None = None,
                form: dict[str, str] | None = None, provider_error: str | None = None,
                provider_form: dict[str, str] | None = None,
                flash: str | None = None) -> Response:
    found = accounts.list_users(db, actor_of(user), 1, 500)
    return TEMPLATES.TemplateResponse(request, "users.html", {
        "user": user, "accounts": found.items, "total": found.total, "roles": ROLES,
        "providers": treatment.list_providers(db), "error": error, "created": created,
        "form": form or {}, "provider_error": provider_error,
        "provider_form": provider_form or {}, "flash": flash}, status_code=status)


@router.post("/providers", **page("providers.create"))
def create_provider(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
                    id: Annotated[str, Form(max_length=64)],
                    name: Annotated[str, Form(max_length=200)],
                    services: Annotated[str, Form(max_length=200)] = "",
                    capacity: Annotated[str, Form(max_length=9)] = "") -> Response:
    """Add a treatment provider, through the API's own checks (ProviderCreate)."""
    from pydantic import ValidationError

    from divert.service.api.providers import ProviderCreate

    typed = {"id": id, "name": name, "services": services, "capacity": capacity}
    try:
        body = ProviderCreate.model_validate({**typed, "capacity": capacity or None})
        treatment.create_provider(db, actor_of(user), provider_id=body.id, name=body.name,
                                  services=body.services, capacity=body.capacity,
                                  at=clock.now())
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "form"
        words = ("use lower-case letters, digits and dashes, starting with a letter or digit"
                 if field == "id" and err["type"] == "string_pattern_mismatch" else err["msg"])
        return _users_page(request, db, user, status=422, provider_error=f"{field}: {words}",
                           provider_form=typed)
    except DivertError as exc:  # the id is taken
        db.rollback()
        return _users_page(request, db, user, status=409, provider_error=str(exc),
                           provider_form=typed)
    return _users_page(request, db, user, flash=f"Provider {body.id} was added.")


@router.get("/users", **page("users.read"))
def users_page(request: Request, db: SessionDep, user: PageUser) -> Response:
    return _users_page(request, db, user)


@router.post("/users", **page("users.create"))
def create_user(request: Request, db: SessionDep, clock: ClockDep, settings: SettingsDep,
                user: PageUser, username: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=1024)],
                role: Annotated[str, Form(max_length=24)],
                provider_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    try:
        made = add_account(db, actor_of(user), username.strip(), password, role,
                           provider_id or None, clock.now(), issuer=settings.totp_issuer)
    except AccountError as exc:
        db.rollback()
        return _users_page(request, db, user, status=422, error=f"{exc.field}: {exc}",
                           form={"username": username, "role": role,
                                 "provider_id": provider_id})
    # The one-time code secret is shown once, here, and never again (as the API does).
    return _users_page(request, db, user, created={
        "username": made.username, "totp_secret": made.totp_secret, "uri": made.uri})


@router.post("/users/{user_id}", **page("users.update"))
def update_user(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
                user_id: IdPath, version: Annotated[int, Form(ge=1, le=MAX_INT)],
                role: Annotated[str, Form(max_length=24)] = "",
                unlock: Annotated[str, Form(max_length=8)] = "") -> Response:
    try:
        accounts.update_user(db, actor_of(user), user_id, version, role=role or None,
                             unlock=unlock == "yes", at=clock.now())
    except (DivertError, AccountError, ValueError) as exc:
        db.rollback()
        return _users_page(request, db, user, status=409, error=str(exc))
    return RedirectResponse("/users", status_code=303)


@router.get("/audit", **page("audit.read"))
def audit_page(request: Request, db: SessionDep, clock: ClockDep, user: PageUser,
               page_no: PageQuery = 1, person_id: str = "") -> Response:
    number = min(max(page_no, 1), 10**9)
    found = audit.read_page(db, actor_of(user), person_id=person_id[:64] or None, page=number,
                            page_size=AUDIT_PAGE, at=clock.now())
    return TEMPLATES.TemplateResponse(request, "audit.html", {
        "user": user, "entries": found.items, "page": number, "total": found.total,
        "last": max(1, -(-found.total // AUDIT_PAGE)), "person_id": person_id,
        "verified": None})


@router.post("/audit/verify", **page("audit.verify"))
def verify_page(request: Request, db: SessionDep, clock: ClockDep, user: PageUser) -> Response:
    with atomic(db):
        result = audit.verify(db)
        audit.append(db, actor_of(user), "verify", "audit_log", detail={"ok": result.ok},
                     at=clock.now())
    return TEMPLATES.TemplateResponse(request, "audit.html", {
        "user": user, "entries": [], "page": 0, "last": 0, "total": result.entries,
        "person_id": "", "verified": result})


@router.get("/imports", **page("import.run"))
def import_page(request: Request, user: PageUser) -> Response:
    return TEMPLATES.TemplateResponse(request, "imports.html", {"user": user, "result": None})


@router.post("/imports", **page("import.run"))
def import_file(request: Request, db: SessionDep, user: PageUser,
                file: Annotated[UploadFile, File()]) -> Response:
    """Upload a filings file: imported and screened as the API does; refusals by line."""
    from divert.service.api.imports import import_upload
    from divert.service.errors import ApiError

    try:
        result = import_upload(file, request, user, db)
    except ApiError as exc:
        db.rollback()
        return TEMPLATES.TemplateResponse(request, "imports.html", {
            "user": user, "result": None, "error": exc.message}, status_code=exc.status)
    return TEMPLATES.TemplateResponse(request, "imports.html", {"user": user,
                                                                "result": result})
