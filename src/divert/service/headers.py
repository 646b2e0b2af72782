"""Response headers every answer carries: criminal-justice and treatment data must not be
cached, framed, sniffed or sent on to another site as a referrer; pages may load only what
this server serves.

/docs and /redoc are left without the page policy: FastAPI's OpenAPI pages load their script
from a CDN.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: nothing is sent to another site, and a browser's form
    # POST carries its real Origin (no-referrer makes it `null`), which csrf.py checks
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)
PAGE_POLICY = (
    b"content-security-policy",
    b"default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
    b"form-action 'self'",
)
OPENAPI_PAGES = ("/docs", "/redoc")


class SecurityHeaders:
    """Add the headers above to every HTTP response (pure ASGI, no body buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = list(COMMON)
        if not path.startswith(OPENAPI_PAGES):
            extra.append(PAGE_POLICY)
        if path.startswith("/static/"):
            extra = [h for h in extra if h[0] != b"cache-control"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", ())}
                message["headers"] = list(message.get("headers", ())) + [
                    h for h in extra if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)
