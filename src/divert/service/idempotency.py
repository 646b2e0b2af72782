"""Idempotency-Key for POST: the same key with the same body replays the first response and
writes nothing; the same key with another body is refused (422).

Keys are scoped to the account, and the fingerprint covers method, path and canonical body, so
a key reused on another endpoint counts as "another body". The write, its audit entries and
the stored response commit in one transaction (store.unit.atomic), or none of them does.

Two requests with the same key (or the same case id, or the same PAD incident) can both pass
the "is it new?" reads before either commits; on PostgreSQL the second then hits the unique
index. That is not an error to report but a race lost: the whole unit is run again, and the
second run sees the winner's committed row and answers as a sequential request would (a
replay, a 409 or a 422), never a 500 (red-team finding 4).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from divert.service import messages
from divert.service.errors import ApiError
from divert.store.handles import Session
from divert.store.idempotency import find_response, remember_response
from divert.store.unit import atomic, lost_race

MAX_KEY = 200
RACE_RETRIES = 3  # a lost race is settled on the next run; three covers a chain of them


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
    """Run `action` (repository calls on `db`) once per key, atomically with the key."""
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise ApiError(422, f"Idempotency-Key must be 1 to {MAX_KEY} characters.",
                       loc=("header", "Idempotency-Key"))
    for attempt in range(RACE_RETRIES + 1):
        try:
            return _run(db, scope, key, request_sha256, now, action)
        except Exception as exc:
            if attempt == RACE_RETRIES or not lost_race(exc):
                raise
    raise AssertionError("unreachable")


def _run(
    db: Session, scope: str, key: str | None, request_sha256: str, now: datetime,
    action: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    with atomic(db):
        if key is not None:
            seen = find_response(db, scope, key)
            if seen is not None:
                if seen.request_sha256 != request_sha256:
                    raise ApiError(422, messages.IDEMPOTENCY_MISMATCH.format(key=key),
                                   loc=("header", "Idempotency-Key"))
                return JSONResponse(json.loads(seen.body), status_code=seen.status_code,
                                    headers={"Idempotent-Replayed": "true"})
        status, body = action()
        content = jsonable_encoder(body)
        if key is not None:
            remember_response(db, scope, key, request_sha256, status, json.dumps(content), now)
    return JSONResponse(content, status_code=status)
