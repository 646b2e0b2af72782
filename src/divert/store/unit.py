"""One repository call is one unit of work: its writes and their audit entries commit together.

`@unit_of_work` commits the caller's session when the function returns and rolls it back on
any exception, so an IllegalTransition, a stale version or a crash half-way writes nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


_DEPTH = "divert.atomic_depth"


@contextmanager
def atomic(session: Session) -> Iterator[Session]:
    """Make several repository calls (and the caller's own rows, e.g. an idempotency key)
    one transaction: inside, repository calls do not commit; the block commits once at the
    end, or rolls everything back if anything raises."""
    outer = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = outer + 1
    try:
        yield session
        if outer == 0:
            session.commit()
    except BaseException:
        if outer == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = outer


def unit_of_work(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Commit after `fn(session, ...)` succeeds; roll back and re-raise if it fails.

    Inside `atomic(session)` the commit (or rollback) is left to the enclosing block.
    """

    @functools.wraps(fn)
    def wrapper(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if session.info.get(_DEPTH, 0) > 0:
            return fn(session, *args, **kwargs)
        try:
            result = fn(session, *args, **kwargs)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return result

    return wrapper


# SQLSTATEs of a write that lost a race with a concurrent one: unique_violation, deadlock,
# serialization failure. Running the unit again settles it (the winner's row is then visible).
_RACE_STATES = frozenset({"23505", "40P01", "40001"})


def lost_race(exc: BaseException) -> bool:
    """True when `exc` is a database refusal caused by a concurrent write of the same row
    (a unique index hit by two inserts, a deadlock, a serialization failure): the caller may
    run its whole unit of work again, and the second run sees what the other one committed."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None)
    if state is not None:
        return state in _RACE_STATES
    return isinstance(exc, IntegrityError) and "UNIQUE constraint failed" in str(exc.orig)


def utcnow(at: datetime | None = None) -> datetime:
    """`at` if given (tests and the service pass their clock), else now, always in UTC."""
    return (at or datetime.now(UTC)).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; divert stores UTC, so say so."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def dumps(obj: Any) -> str:
    """Stable JSON for stored payloads (sorted keys, no spaces)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
