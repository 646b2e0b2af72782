"""Case ids in URLs exactly as typed, '/' and '#' included.

PAD cases are named after the incident number, and police write those with '#' and '/'
("2026-24#117", "24/0117"). Links quote the id (`quote_id`): '#' becomes %23 and survives,
but Starlette routes on the *decoded* path, so %2F would split the id into two segments and
the route would not match. `KeepEncodedSlashes` therefore leaves %2F (and %25, so a literal
"%2F" in an id stays distinct) encoded in the path it routes on, and the `id` path
convertor (`{case_id:id}`) decodes those two inside the one segment.

Only requests whose raw path holds %2F or %25 are touched; any other route's text parameter
then sees those two sequences still encoded, which no other id in divert contains.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

_KEPT = re.compile(r"(%2[fF]|%25)")


def quote_id(value: object) -> str:
    """An id as one URL path segment ('/', '#', '?' and '%' all encoded)."""
    return quote(str(value), safe="")


def keep_encoded(raw_path: str) -> str:
    """Percent-decode a raw path except %2F and %25, which stay (upper-cased) as they are."""
    parts = _KEPT.split(raw_path)
    return "".join(p.upper() if i % 2 else unquote(p) for i, p in enumerate(parts))


class IdConvertor(Convertor[str]):
    """One path segment, with the %2F and %25 that `KeepEncodedSlashes` kept decoded."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return value.replace("%2F", "/").replace("%25", "%")

    def to_string(self, value: str) -> str:
        return quote_id(value)


register_url_convertor("id", IdConvertor())


class KeepEncodedSlashes:
    """Route on a path whose encoded '/' and '%' are still encoded (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path")
        if scope["type"] == "http" and raw and (b"%2f" in raw.lower() or b"%25" in raw):
            path = raw.split(b"?", 1)[0].decode("latin-1")
            scope = {**scope, "path": keep_encoded(path)}
        await self.app(scope, receive, send)
