"""The service's clock: one injectable source of "now", so session and lockout rules are
tested by moving time, never by sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that says what time it is (timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, used by `divert serve`."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to; for tests and replays."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime (use UTC)")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        """Move time forward, e.g. `clock.advance(minutes=31)`."""
        self._now += timedelta(**delta)
