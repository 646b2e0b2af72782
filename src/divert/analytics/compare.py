"""Comparing two rates: ratio and difference with 95% intervals, for groups or policies.

Intervals are large-sample ones (Katz log interval for the ratio, Newcombe's hybrid Wilson
interval for the difference); a zero cell gets the usual +0.5 correction in the ratio
so that the interval exists and says "very uncertain" rather than failing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from divert.analytics.measures import Z95, Measure, wilson


@dataclass(frozen=True, slots=True)
class Comparison:
    """Rate of `a` against rate of `b` (the reference)."""

    a: Measure
    b: Measure
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    difference: float | None  # a - b, as a proportion
    diff_low: float | None
    diff_high: float | None

    def describe(self) -> str:
        if self.ratio is None or self.difference is None:
            return f"{self.a.name} vs {self.b.name}: not comparable (a denominator is zero)."
        return (
            f"{self.a.name} vs {self.b.name}: rate ratio {self.ratio:.2f}"
            f" (95% CI {self.ratio_low:.2f}–{self.ratio_high:.2f}), difference"
            f" {self.difference:+.1%} (95% CI {self.diff_low:+.1%} to {self.diff_high:+.1%})."
        )


def rate_ratio(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """Ratio of k1/n1 to k2/n2 with the Katz log interval (+0.5 to every cell if one is 0).

    >>> [round(x, 3) for x in rate_ratio(20, 100, 10, 100)]
    [2.0, 0.987, 4.054]
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError(f"rate_ratio() needs both denominators > 0, got {n1} and {n2}")
    if k1 == 0 or k2 == 0 or k1 == n1 or k2 == n2:
        k1, n1, k2, n2 = k1 + 0.5, n1 + 1, k2 + 0.5, n2 + 1  # type: ignore[assignment]
    ratio = (k1 / n1) / (k2 / n2)
    se = math.sqrt(1 / k1 - 1 / n1 + 1 / k2 - 1 / n2)
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Difference k1/n1 - k2/n2 with Newcombe's method-10 interval from two Wilson intervals.

    Newcombe (1998), Stat Med 17:873, example (a): 56/70 vs 48/80 gives 0.0524 to 0.3339.

    >>> [round(x, 4) for x in newcombe(56, 70, 48, 80)]
    [0.2, 0.0524, 0.3339]
    """
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def compare(a: Measure, b: Measure) -> Comparison:
    """Compare two measures of the same definition; `b` is the reference group."""
    if a.window_days != b.window_days:
        raise ValueError(
            f"cannot compare {a.name!r} ({a.window_days} days) with {b.name!r}"
            f" ({b.window_days} days): the windows differ"
        )
    if not a.denominator or not b.denominator:
        return Comparison(a, b, None, None, None, None, None, None)
    r, rl, rh = rate_ratio(a.numerator, a.denominator, b.numerator, b.denominator)
    d, dl, dh = newcombe(a.numerator, a.denominator, b.numerator, b.denominator)
    return Comparison(a, b, r, rl, rh, d, dl, dh)
