"""The store's handles, as the code around it types them: a session (one unit of work), the
factory that opens sessions, and the engine behind them.

Callers outside the store (the service, the CLI) hold these and pass them to store
functions; they never build queries with them. Re-exporting the types here lets them say so
without importing SQLAlchemy, which an import-linter contract forbids in divert.service.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError as DatabaseError
from sqlalchemy.orm import Session, sessionmaker

SessionFactory: TypeAlias = sessionmaker[Session]


def database_unreachable(exc: BaseException) -> bool:
    """True when `exc` says the database server cannot be reached (down, restarting, the
    connection cut): the service answers 503, not 500."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return bool(getattr(exc, "connection_invalidated", False)) or isinstance(
        exc, OperationalError | InterfaceError)


__all__ = ["DatabaseError", "Engine", "Session", "SessionFactory", "database_unreachable"]
