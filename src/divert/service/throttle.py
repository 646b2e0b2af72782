"""The bad-login throttle: slows a guesser down without giving anyone a way to lock a victim
out or end their sessions (red-team finding 5: five bad logins from anyone locked an account
and ended its live sessions until an administrator unlocked it).

Failures are counted per (username, source address) within a window. Past `per_source`
failures, that pair waits before its next attempt, the wait doubling with each further
failure up to `max_wait`; while it waits, the service answers 429 without checking anything.
Another address is untouched, so the victim at their own desk logs in as usual, and no
failure touches the account row or its sessions: only an administrator locks an account.

The global cap bounds a guesser spread over many addresses: once a username has
`global_cap` failures in the window, every address that failed on it waits `max_wait`
after each failure; an address with no failure on it (the victim's) still gets through.
A distributed guesser is then held to one guess per address per `max_wait`.

Unknown and real usernames are treated alike (counted, throttled, answered the same), so the
throttle tells nothing about which accounts exist. State is kept in the process: a service
run as N worker processes allows N times the attempts (the deployment note in docs/api.md).
The clock is passed in, so tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(slots=True)
class _Pair:
    """One (username, address) pair's failures in the current window."""

    first: datetime
    last: datetime
    count: int = 0


@dataclass(slots=True)
class _Account:
    """One username's failures, by address."""

    pairs: dict[str, _Pair] = field(default_factory=dict)


class LoginThrottle:
    """Per-(username, address) back-off with a global cap per username; thread-safe."""

    def __init__(self, *, per_source: int, window: timedelta, first_wait: timedelta,
                 max_wait: timedelta, global_cap: int, max_usernames: int = 100_000) -> None:
        self.per_source = per_source
        self.window = window
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.global_cap = global_cap
        self.max_usernames = max_usernames
        self._accounts: dict[str, _Account] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(username: str) -> str:
        return username.strip().casefold()

    def _live(self, username: str, now: datetime) -> _Account | None:
        """The username's pairs still inside the window (older ones are forgotten)."""
        account = self._accounts.get(self._key(username))
        if account is None:
            return None
        for source, pair in list(account.pairs.items()):
            if now - pair.last > self.window + self.max_wait:
                del account.pairs[source]
        if not account.pairs:
            del self._accounts[self._key(username)]
            return None
        return account

    def _wait_for(self, over: int) -> timedelta:
        doubling = min(over, 30)  # 2**30 × any first wait is past any sane max_wait
        return min(self.first_wait * (2**doubling), self.max_wait)

    def retry_after(self, username: str, source: str, now: datetime) -> timedelta | None:
        """How long this address must still wait before trying `username`, or None."""
        with self._lock:
            account = self._live(username, now)
            if account is None:
                return None
            pair = account.pairs.get(source)
            if pair is None:
                return None  # an address that never failed here is never held back
            total = sum(p.count for p in account.pairs.values())
            over = pair.count - self.per_source
            if total >= self.global_cap:
                wait = self.max_wait
            elif over >= 0:
                wait = self._wait_for(over)
            else:
                return None
            until = pair.last + wait
            return until - now if until > now else None

    def failed(self, username: str, source: str, now: datetime) -> None:
        """Count a failed attempt of this address on this username."""
        with self._lock:
            account = self._live(username, now)
            if account is None:
                if len(self._accounts) >= self.max_usernames:
                    self._forget_oldest()
                account = self._accounts.setdefault(self._key(username), _Account())
            pair = account.pairs.get(source)
            if pair is None or now - pair.first > self.window:
                pair = account.pairs[source] = _Pair(first=now, last=now)
            pair.count += 1
            pair.last = now

    def succeeded(self, username: str, source: str) -> None:
        """A good login clears this address's failures (not the other addresses')."""
        with self._lock:
            account = self._accounts.get(self._key(username))
            if account is not None:
                account.pairs.pop(source, None)

    def _forget_oldest(self) -> None:
        """Memory stays bounded: past `max_usernames`, the stalest tenth is dropped."""
        by_age = sorted(self._accounts, key=lambda k: max(
            p.last for p in self._accounts[k].pairs.values()))
        for key in by_age[: max(1, len(by_age) // 10)]:
            del self._accounts[key]
