"""Outcome measures: re-arrest within fixed windows, with censoring, as self-describing values.

A `Measure` never travels without its numerator, denominator, window and date range, so a
figure cannot be quoted without its definition. Re-arrest here means "a new filing for the
same person": the data has filings, not arrests, so that is what it can count.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WINDOWS = (30, 90, 180, 365)
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Filing:
    """One filed case of one person: the unit re-arrest is counted in."""

    person_id: str
    case_id: str
    filed: date


@dataclass(frozen=True, slots=True)
class Measure:
    """A proportion with its definition and a 95% interval (Wilson score unless stated)."""

    name: str
    numerator: int
    denominator: int
    start: date  # first index date counted
    end: date  # the data's end date (last day anything could be observed)
    window_days: int | None = None
    censored: int = 0  # index cases left out because their window had not closed
    low: float | None = None
    high: float | None = None
    method: str = "wilson"

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def describe(self) -> str:
        """The figure in one sentence, definition included."""
        if self.rate is None:
            if self.censored:
                return f"{self.name}: not measurable yet ({self._scope()})."
            return f"{self.name}: no cases ({self._scope()})."
        ci = ""
        if self.low is not None and self.high is not None:
            ci = f" (95% CI {self.low:.1%}–{self.high:.1%})"
        return (
            f"{self.name}: {self.rate:.1%}{ci} = {self.numerator} / {self.denominator}"
            f" ({self._scope()})."
        )

    def _scope(self) -> str:
        window = f"within {self.window_days} days, " if self.window_days else ""
        censored = f"; {self.censored} left out, window not closed" if self.censored else ""
        return f"{window}{self.start.isoformat()} to {self.end.isoformat()}{censored}"


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n; good at small n and rates near 0 or 1.

    >>> [round(x, 4) for x in wilson(5, 100)]
    [0.0215, 0.1118]
    """
    if n <= 0:
        raise ValueError(f"wilson() needs n > 0, got n={n}")
    if not 0 <= k <= n:
        raise ValueError(f"wilson() needs 0 <= k <= n, got k={k}, n={n}")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(
    name: str,
    k: int,
    n: int,
    start: date,
    end: date,
    window_days: int | None = None,
    censored: int = 0,
) -> Measure:
    """A Measure for k of n with its Wilson interval (no interval when n is 0)."""
    low, high = wilson(k, n) if n else (None, None)
    return Measure(name, k, n, start, end, window_days, censored, low, high)


def next_filing_days(index: Iterable[Filing], filings: Iterable[Filing]) -> dict[str, int | None]:
    """Days from each index case to the same person's next filing on a LATER day, or None.

    A filing on the same day is treated as the same arrest (one incident is often split
    into several dockets), never as a re-arrest.
    """
    by_person: dict[str, list[date]] = defaultdict(list)
    for f in filings:
        by_person[f.person_id].append(f.filed)
    for days in by_person.values():
        days.sort()
    out: dict[str, int | None] = {}
    for i in index:
        later = [d for d in by_person.get(i.person_id, ()) if d > i.filed]
        out[i.case_id] = (later[0] - i.filed).days if later else None
    return out


def first_per_person(index: Iterable[Filing]) -> list[Filing]:
    """Each person's earliest index case, so that no person is counted twice in a rate."""
    first: dict[str, Filing] = {}
    for f in sorted(index, key=lambda f: (f.filed, f.case_id)):
        first.setdefault(f.person_id, f)
    return sorted(first.values(), key=lambda f: (f.filed, f.case_id))


def rearrest(
    name: str,
    index: Sequence[Filing],
    filings: Sequence[Filing],
    window_days: int,
    data_end: date,
) -> Measure:
    """Share of index cases followed by a new filing within `window_days` days.

    Censoring: an index case whose window ends after `data_end` is left out of the
    denominator (and counted in `censored`), even if a new filing was already seen,
    because keeping only the early events would bias the rate upward.
    """
    if not index:
        return Measure(name, 0, 0, data_end, data_end, window_days=window_days)
    gaps = next_filing_days(index, filings)
    closed = [i for i in index if i.filed + timedelta(days=window_days) <= data_end]
    hits = sum(1 for i in closed if (g := gaps[i.case_id]) is not None and g <= window_days)
    start = min(i.filed for i in index)
    return proportion(
        name, hits, len(closed), start, data_end,
        window_days=window_days, censored=len(index) - len(closed),
    )


def rearrest_windows(
    name: str,
    index: Sequence[Filing],
    filings: Sequence[Filing],
    data_end: date,
    windows: Sequence[int] = WINDOWS,
) -> list[Measure]:
    """`rearrest` for each window; windows nobody completed come back with denominator 0."""
    return [rearrest(name, index, filings, w, data_end) for w in windows]
