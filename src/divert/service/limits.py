"""Request body size limit, enforced before any handler reads the body; uploads of filings
files (POST /api/imports) get their own, larger limit.

A pure ASGI middleware: it refuses by Content-Length up front, and counts streamed bytes for
chunked bodies, so a client cannot bypass the limit by omitting the header.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from divert.service import messages
from divert.service.errors import error_body


class BodySizeLimit:
    """Refuse bodies larger than `limit` bytes with 413 and the one error body."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int | None = None,
                 upload_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.default_limit = limit
        self.upload_limit = upload_limit or limit
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = scope.get("path", "").rstrip("/") in self.upload_paths
        limit = self.upload_limit if uploading else self.default_limit
        await self._limited(scope, receive, send, limit)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(send, limit)
                return
        seen = 0
        refused = False

        async def limited_receive() -> Message:
            # Past the limit, answer 413 at once and tell the app the client left, so no
            # framework turns the refusal into a generic parse error.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    await self._refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, whatever the app still says is dropped
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # The app failed reading a body we cut off; the client already has its 413.

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps(
            error_body(413, [(("body",), messages.BODY_TOO_LARGE.format(limit=limit))])
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
