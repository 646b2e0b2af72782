"""Cross-site request forgery: a state-changing request a browser sends with the session
cookie must come from one of this service's own pages (red-team finding 6: a review form
posted from a foreign Origin was recorded, and login CSRF worked).

The check is the one OWASP calls "verifying origin with standard headers": every POST, PUT,
PATCH or DELETE to a page, the login form included, and every one to the API that rides on
the cookie rather than a bearer token, must carry an Origin (or, failing that, a Referer)
naming this very host; a missing, `null` or foreign one is refused with 403 before any
handler runs. A bearer token is never sent by a browser on its own, so API calls with one
are not checked. This works with SameSite=Strict (kept), not instead of it. Browsers send
Origin on every form POST; the service's Referrer-Policy is `same-origin` so that they send
the real one rather than `null` (service/headers.py).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from divert.service import messages
from divert.service.errors import error_body

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_COOKIE = b"divert_session="


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _netloc(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower()


def must_check(scope: Scope) -> bool:
    """A page write, or an API write that a browser could send on the cookie alone."""
    if scope.get("method") not in UNSAFE:
        return False
    if not scope.get("path", "").startswith("/api/"):
        return True
    cookie = _header(scope, b"cookie") or ""
    return SESSION_COOKIE.decode() in cookie and _header(scope, b"authorization") is None


def same_origin(scope: Scope, public: frozenset[str] = frozenset()) -> bool:
    """True when Origin (else Referer) names the host the request was sent to, or one of
    the `public` hosts (DIVERT_PUBLIC_ORIGINS, for a proxy that rewrites Host)."""
    host = (_header(scope, b"host") or "").lower()
    hosts = public | ({host} if host else set())
    origin = _header(scope, b"origin")
    if origin is not None:
        return _netloc(origin) in hosts
    referer = _header(scope, b"referer")
    return referer is not None and _netloc(referer) in hosts


class SameOriginWrites:
    """Refuse cross-site writes (see the module docstring) with 403 and the one error body."""

    def __init__(self, app: ASGIApp, public_origins: str = "") -> None:
        self.app = app
        self.public = frozenset(
            n for n in (_netloc(o.strip()) for o in public_origins.split(",") if o.strip())
            if n is not None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or not must_check(scope)
                or same_origin(scope, self.public)):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/api/"):
            body = json.dumps(error_body(403, [(("header", "Origin"), messages.CROSS_SITE)]))
            kind = b"application/json"
        else:
            body = (f"<!doctype html><title>Refused</title><h1>403</h1>"
                    f"<p>{messages.CROSS_SITE}</p><p><a href=\"/login\">Log in</a></p>")
            kind = b"text/html; charset=utf-8"
        data = body.encode()
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", kind), (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})
