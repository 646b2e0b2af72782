"""The store's handles, as the code around it types them: a session (one unit of work), the
factory that opens sessions, and the engine behind them.

Callers outside the store (the service, the CLI) hold these and pass them to store
functions; they never build queries with them. Re-exporting the types here lets them say so
without importing SQLAlchemy, which an import-linter contract forbids in divert.service.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

SessionFactory: TypeAlias = sessionmaker[Session]

__all__ = ["Engine", "Session", "SessionFactory"]
