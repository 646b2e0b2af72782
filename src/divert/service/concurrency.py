"""If-Match on updates: the client says which row version it read; a missing header is 428,
a stale one 412, so no one's change is ever silently overwritten (no lost update).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from divert.service import messages
from divert.service.bounds import MAX_INT
from divert.service.errors import ApiError

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="The row `version` you read (required on updates)."),
]


def expected_version(if_match: str | None) -> int:
    """The version number in If-Match (quotes and W/ allowed), or 428 / 422."""
    if if_match is None:
        raise ApiError(428, messages.IF_MATCH_REQUIRED, loc=("header", "If-Match"))
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit() or int(raw) > MAX_INT:
        raise ApiError(422, messages.IF_MATCH_INVALID.format(value=if_match),
                       loc=("header", "If-Match"))
    return int(raw)
