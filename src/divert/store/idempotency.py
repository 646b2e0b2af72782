"""Idempotency keys: the response first given for a key, so a retried POST writes nothing.

Call `remember_response` inside `atomic(session)` together with the write it answers for,
so the write, its audit entries and the stored response commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from divert.store.tables import IdempotencyKeyRow
from divert.store.unit import utcnow
from divert.store.views import StoredResponse


def find_response(session: Session, scope: str, key: str) -> StoredResponse | None:
    """The stored response for (scope, key), or None if the key is new."""
    row = session.get(IdempotencyKeyRow, (scope, key))
    if row is None:
        return None
    return StoredResponse(row.request_sha256, row.status_code, row.response_body)


def remember_response(
    session: Session, scope: str, key: str, request_sha256: str, status_code: int, body: str,
    at: datetime | None = None,
) -> None:
    """Store the response for (scope, key) in the caller's transaction (flushed, not committed)."""
    session.add(IdempotencyKeyRow(scope=scope, key=key, request_sha256=request_sha256,
                                  status_code=status_code, response_body=body,
                                  created_at=utcnow(at)))
    session.flush()
