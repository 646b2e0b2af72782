"""Idempotency-Key for POST: the same key with the same body replays the first response and
writes nothing; the same key with another body is refused (422).

Keys are scoped to the account, and the fingerprint covers method, path and canonical body, so
a key reused on another endpoint counts as "another body".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from divert.service import messages
from divert.service.errors import ApiError
from divert.store.tables import IdempotencyKeyRow

MAX_KEY = 200


def fingerprint(method: str, path: str, body: Any) -> str:
    """sha256 of the request as the key promises it: method, path, canonical JSON body."""
    canon = json.dumps(jsonable_encoder(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canon}".encode()).hexdigest()


def run_once(
    db: Session,
    scope: str,
    key: str | None,
    request_sha256: str,
    now: datetime,
    action: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Run `action` (which writes in `db`) once per key; commit it with the stored response.

    Adapter note: idempotency_keys rows are read and written here over store.tables, as the
    repository had no function for them when this was written.
    """
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise ApiError(422, f"Idempotency-Key must be 1 to {MAX_KEY} characters.",
                       loc=("header", "Idempotency-Key"))
    if key is not None:
        seen = db.get(IdempotencyKeyRow, (scope, key))
        if seen is not None:
            if seen.request_sha256 != request_sha256:
                raise ApiError(422, messages.IDEMPOTENCY_MISMATCH.format(key=key),
                               loc=("header", "Idempotency-Key"))
            return JSONResponse(json.loads(seen.response_body), status_code=seen.status_code,
                                headers={"Idempotent-Replayed": "true"})
    status, body = action()
    content = jsonable_encoder(body)
    if key is not None:
        db.add(IdempotencyKeyRow(scope=scope, key=key, request_sha256=request_sha256,
                                 status_code=status, response_body=json.dumps(content),
                                 created_at=now))
    db.commit()
    return JSONResponse(content, status_code=status)
