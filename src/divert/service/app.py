"""The application factory: `create_app(settings)` wires settings, database, clock, routers,
error handlers and limits, and refuses to start if any route forgot to declare its operation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from divert import __version__
from divert.policy.load import load_policies
from divert.policy.model import Policy
from divert.service.anchoring import head_recorder
from divert.service.auth import make_throttle
from divert.service.clientaddr import trusted_networks
from divert.service.clock import Clock, SystemClock
from divert.service.csrf import SameOriginWrites
from divert.service.errors import install_handlers
from divert.service.headers import SecurityHeaders
from divert.service.limits import BodySizeLimit
from divert.service.openapi_doc import annotate
from divert.service.paths import KeepEncodedSlashes
from divert.service.settings import Settings
from divert.service.web.guard import install_page_handlers
from divert.store.db import make_engine, make_sessionmaker
from divert.store.groupcommit import AuditGroup
from divert.store.handles import Engine

HERE = Path(__file__).parent

DESCRIPTION = """
The diversion case service: cases screened under a policy written as code, ADA review,
offers, referrals, consent-gated engagement reports and outcomes.

Log in with `POST /api/auth/login` (username, password, one-time code) and send the token as
`Authorization: Bearer TOKEN`. Every error has one shape:
`{"ok": false, "error": "...", "errors": [{"loc": [...], "msg": "..."}], "status": N}`.
"""


def _routers() -> list[APIRouter]:
    from divert.service.api import (
        analytics,  # the analysts' router: pseudonymous data, analytics.read
        audit,
        auth,
        bail,
        cases,
        consents,
        engagement,
        imports,
        offers,
        outcomes,
        people,
        policies,
        providers,
        referrals,
        reviews,
        screen,
        screenings,
        users,
    )
    from divert.service.web import (
        admin,
        analyst,
        casework,
        letters,
        pages,
        police,
        provider,
        public,
    )
    from divert.service.web import bail as bail_pages

    return [
        auth.router, cases.router, screenings.router, reviews.router, offers.router,
        outcomes.router, referrals.router, consents.router, engagement.router,
        providers.router, users.router, audit.router, screen.router, policies.router,
        imports.router, analytics.router, people.router, pages.router, police.router,
        provider.router, casework.router, letters.router, analyst.router, admin.router,
        public.router, bail_pages.router, bail.router, bail.analytics_router,
    ]


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, looking inside included routers (FastAPI now includes them lazily)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)


def check_operations(app: FastAPI) -> None:
    """Deny by default: every route must say which operation it is (deps.op / deps.public)."""
    missing = [
        f"{sorted(r.methods or ())} {r.path}"
        for r in api_routes(app.routes)
        if "x-operation" not in (r.openapi_extra or {})
    ]
    if missing:
        raise RuntimeError(f"routes without a declared operation: {', '.join(missing)}")


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, engine: Engine | None = None
) -> FastAPI:
    """Build the service. Tests pass a FixedClock and their own engine; `divert serve` none."""
    settings = settings or Settings()
    app = FastAPI(title="divert", version=__version__, description=DESCRIPTION, docs_url=None,
                  lifespan=head_recorder)
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(
        app.state.engine, audit_key_file=settings.audit_key_file,
        audit_heads_file=settings.audit_heads_file)
    # audited reads' entries are group-committed: one durable transaction for all the reads
    # under way, each answered only once its entry is in (store/groupcommit.py)
    app.state.audit_group = AuditGroup(app.state.sessionmaker)

    lock = threading.Lock()

    @cache
    def load_once() -> dict[str, Policy]:
        return load_policies()

    def policies() -> dict[str, Policy]:
        """Loaded on first use (tests that never screen skip the cost), once, under a lock."""
        with lock:
            return load_once()

    app.state.policies = policies
    app.state.login_throttle = make_throttle(settings)
    trusted_networks(settings.trusted_proxies)  # a bad entry stops the service here
    install_handlers(app)
    install_page_handlers(app)
    for router in _routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(docs_router())
    check_operations(app)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the roles, limits and header rules the server applies."""
        if app.openapi_schema is None:
            app.openapi_schema = annotate(generate(), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes,
                       upload_limit=settings.max_upload_bytes,
                       upload_paths=("/api/imports", "/imports"))
    # before the body is read: a forged write costs nothing
    app.add_middleware(SameOriginWrites, public_origins=settings.public_origins)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(KeepEncodedSlashes)  # outermost: routing must see the kept %2F
    return app


def docs_router() -> APIRouter:
    """/docs with Swagger UI served from /static, so the OpenAPI page works offline."""
    router = APIRouter()

    @router.get("/docs", include_in_schema=False, openapi_extra={"x-operation": "public"})
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="divert — API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="data:,")

    return router


def app_from_env() -> FastAPI:
    """For `uvicorn --factory divert.service.app:app_from_env`: settings from DIVERT_*."""
    return create_app(Settings())
