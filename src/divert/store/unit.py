"""One repository call is one unit of work: its writes and their audit entries commit together.

`@unit_of_work` commits the caller's session when the function returns and rolls it back on
any exception, so an IllegalTransition, a stale version or a crash half-way writes nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


def unit_of_work(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Commit after `fn(session, ...)` succeeds; roll back and re-raise if it fails."""

    @functools.wraps(fn)
    def wrapper(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = fn(session, *args, **kwargs)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return result

    return wrapper


def utcnow(at: datetime | None = None) -> datetime:
    """`at` if given (tests and the service pass their clock), else now, always in UTC."""
    return (at or datetime.now(UTC)).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; divert stores UTC, so say so."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def dumps(obj: Any) -> str:
    """Stable JSON for stored payloads (sorted keys, no spaces)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
