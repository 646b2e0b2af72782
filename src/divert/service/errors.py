"""One error body for the whole API, and the handlers that turn every failure into it.

`{"ok": false, "error": "<messages joined>", "errors": [{"loc": [...], "msg": "..."}],
"status": N}` — `loc` follows FastAPI's validation convention (["body", "charges", 0]).
Pages get the same message rendered as HTML by web/; the API always gets this JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from divert.cases.decision import NotDivertible
from divert.errors import DivertError, IllegalTransition, InputRefused, NotPermitted
from divert.service import messages
from divert.store.dberrors import number_out_of_range, text_too_long, text_with_nul
from divert.store.handles import DatabaseError, database_unreachable
from divert.store.unit import lost_race
from divert.store.views import Conflict, NotFound, StaleVersion

log = logging.getLogger("divert.service")

Loc = Sequence[str | int]


class ApiError(Exception):
    """A refusal with its HTTP status, sentence and the field(s) it points at."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        loc: Loc = (),
        errors: Sequence[tuple[Loc, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.errors = list(errors) if errors is not None else [(tuple(loc), message)]
        self.headers = headers
        super().__init__(message)


def error_body(status: int, errors: Sequence[tuple[Loc, str]], code: str | None = None,
               detail: str | None = None) -> dict[str, Any]:
    """The single error shape (style.md "Errors"); `code` and `detail` (the internal
    wording) are for programs and appear only on refusals that have them."""
    body: dict[str, Any] = {
        "ok": False,
        "error": "; ".join(msg for _, msg in errors),
        "errors": [{"loc": list(loc), "msg": msg} for loc, msg in errors],
        "status": status,
    }
    if code is not None:
        body["code"] = code
    if detail is not None:
        body["detail"] = detail
    return body


def error_response(
    status: int, errors: Sequence[tuple[Loc, str]], headers: dict[str, str] | None = None,
    code: str | None = None, detail: str | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, errors, code, detail), status_code=status,
                        headers=headers)


def plain(exc: Exception) -> str:
    """The sentence a person reads for a refusal (pages use it; the API body's `error`)."""
    if isinstance(exc, IllegalTransition):
        return messages.step_refused(exc.state, exc.event, exc.allowed)
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, ValidationError):  # a form's field: "contact_date: Input should be…"
        err: Any = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc']) or 'form'}: {err['msg']}"
    return str(exc)


def _validation_msg(err: dict[str, Any]) -> str:
    if err.get("type") == "json_invalid":  # loc is ["body", offset]: say it in words
        where = next((p for p in err.get("loc", ())[1:] if isinstance(p, int)), None)
        why = (err.get("ctx") or {}).get("error", "")
        at = f" at character {where}" if where is not None else ""
        return f"body: is not valid JSON{at}" + (f" ({why})" if why else "")
    loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
    return f"{loc}: {err.get('msg', 'invalid')}"


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette's 405 names only the first
    matching route's, so `DELETE /api/cases` said "Allow: GET" though POST works too)."""
    from starlette.routing import Match

    methods: set[str] = set()
    pending = list(request.app.routes)
    while pending:
        route = pending.pop()
        inner = getattr(route, "original_router", None)
        if inner is not None:
            pending.extend(inner.routes)
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route_methods)
    return sorted(methods)


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.errors, exc.headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errs = [(tuple(e.get("loc", ())), _validation_msg(e)) for e in exc.errors()]
    return error_response(422, errs or [((), "The request is not valid.")])


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        msg = messages.ROUTE_NOT_FOUND.format(path=request.url.path)
    elif exc.status_code == 400:
        # FastAPI's "There was an error parsing the body" (bytes that are no JSON text at
        # all): the same 422 as any other unreadable body, as the document says (finding 11)
        return error_response(422, [(("body",), messages.BODY_UNREADABLE)])
    elif exc.status_code == 405:
        msg = messages.METHOD_NOT_ALLOWED.format(method=request.method, path=request.url.path)
    else:
        msg = str(exc.detail)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        allow = allowed_methods(request)
        if allow:
            headers = {**(headers or {}), "Allow": ", ".join(allow)}
            msg = f"{msg} Allowed: {', '.join(allow)}."
    return error_response(exc.status_code, [((), msg)], headers)


async def _on_not_permitted(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotPermitted)
    return error_response(403, [((), str(exc))])


async def _on_illegal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IllegalTransition)
    return error_response(409, [(("body", "event"), plain(exc))], code="illegal_transition",
                          detail=str(exc))


async def _on_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputRefused)
    return error_response(exc.status, [(("body", exc.field), str(exc))], code=exc.code)


async def _on_not_found(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFound)
    msg = messages.NOT_FOUND.format(thing=exc.kind, id=exc.key)
    return error_response(404, [(("path",), msg)])


async def _on_stale(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StaleVersion)
    msg = messages.STALE_VERSION.format(
        thing=exc.kind, id=exc.key, sent=exc.expected, current=exc.actual
    )
    return error_response(412, [(("header", "If-Match"), msg)])


async def _on_not_divertible(request: Request, exc: Exception) -> JSONResponse:
    return error_response(409, [(("body",), str(exc))])


async def _on_conflict(request: Request, exc: Exception) -> JSONResponse:
    return error_response(409, [((), str(exc))])


async def _on_divert(request: Request, exc: Exception) -> JSONResponse:
    return error_response(422, [((), str(exc))])


async def _on_database(request: Request, exc: Exception) -> JSONResponse:
    """The database refused or vanished: a number no column holds is the client's error
    (422), a lost race a 409 (the other write won), an unreachable server a 503 with
    Retry-After (a restart is a pause, not a crash)."""
    if number_out_of_range(exc):
        log.warning("number out of range on %s %s", request.method, request.url.path)
        return error_response(422, [((), messages.NUMBER_OUT_OF_RANGE)])
    if text_too_long(exc):
        log.warning("text too long on %s %s", request.method, request.url.path)
        return error_response(422, [(("body",), messages.TEXT_TOO_LONG)])
    if text_with_nul(exc):
        return error_response(422, [((), messages.TEXT_WITH_NUL)])
    if lost_race(exc):
        return error_response(409, [((), messages.WRITE_RACE)], code="write_race")
    log.warning("database error on %s %s: %s", request.method, request.url.path,
                type(exc).__name__)
    if database_unreachable(exc):
        return error_response(503, [((), messages.DATABASE_DOWN)], headers={"Retry-After": "5"},
                              code="database_unavailable")
    return await _on_unexpected(request, exc)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, [((), messages.INTERNAL)])


def install_handlers(app: FastAPI) -> None:
    """Register every handler so no failure escapes in another shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(NotPermitted, _on_not_permitted)
    app.add_exception_handler(IllegalTransition, _on_illegal)
    app.add_exception_handler(InputRefused, _on_refused)
    app.add_exception_handler(NotFound, _on_not_found)
    app.add_exception_handler(StaleVersion, _on_stale)
    app.add_exception_handler(Conflict, _on_conflict)
    app.add_exception_handler(NotDivertible, _on_not_divertible)
    app.add_exception_handler(DivertError, _on_divert)
    app.add_exception_handler(OverflowError, _on_database)
    app.add_exception_handler(DatabaseError, _on_database)
    app.add_exception_handler(Exception, _on_unexpected)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ok", "error", "errors", "status"],
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "error": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                },
            },
        },
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "What was refused, for programs."},
        "detail": {"type": "string", "description": "The internal wording, for programs."},
    },
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting the error body for these statuses."""
    return {
        s: {
            "description": "Refused; see `error` for what to do.",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for s in statuses
    }
