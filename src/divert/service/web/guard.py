"""Who may open a page: the session cookie, the same role × operation table as the API.

A page without a live session redirects to /login; a page the role may not open renders the
error page with the same sentence the API would give (403).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from divert.cases import access
from divert.service import auth, messages
from divert.service.clientaddr import client_address
from divert.service.deps import (
    SESSION,
    SESSION_COOKIE,
    Principal,
    get_clock,
    get_db,
    refuse,
)
from divert.service.paths import quote_id
from divert.service.settings import Settings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
TEMPLATES.env.filters["quote_id"] = quote_id  # ids with '#' or '/' stay one path segment


class LoginRequired(Exception):
    """No live session: send the browser to the login page."""


class PageError(Exception):
    """A refusal shown as a page, with the API's sentence."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def page_user(request: Request, db: Any = Depends(get_db), clock: Any = Depends(get_clock)
              ) -> Principal:
    token = request.cookies.get(SESSION_COOKIE)
    settings: Settings = request.app.state.settings
    principal = (auth.resume_session(db, token, clock.now(), settings, client_address(request))
                 if token else None)
    if principal is None:
        raise LoginRequired
    request.state.principal = principal
    return principal


def page(operation: str) -> dict[str, Any]:
    """Route keyword arguments for a page: the operation check, kept out of the API schema."""

    def check(request: Request, user: Principal = Depends(page_user),
              db: Any = Depends(get_db), clock: Any = Depends(get_clock)) -> Principal:
        if operation != SESSION and not access.is_allowed(user.role, operation):
            refuse(db, user, operation, request.url.path, clock.now())
            raise PageError(403, messages.NOT_PERMITTED.format(role=user.role,
                                                               operation=operation))
        return user

    return {
        "dependencies": [Depends(check)],
        "openapi_extra": {"x-operation": operation},
        "include_in_schema": False,
        "response_class": HTMLResponse,
    }


def install_page_handlers(app: FastAPI) -> None:
    async def on_login_required(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/login", status_code=303)

    async def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        return TEMPLATES.TemplateResponse(
            request, "error.html", {"status": exc.status, "message": exc.message, "user": None},
            status_code=exc.status)

    app.add_exception_handler(LoginRequired, on_login_required)
    app.add_exception_handler(PageError, on_page_error)
