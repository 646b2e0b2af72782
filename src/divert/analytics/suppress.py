"""Small-cell suppression for anything public: counts from 1 to 10 are never shown.

A count under the threshold could point at a person in a small ZIP or age group. Zero is
shown (it names nobody). When a row of cells is published with its total, one hidden cell
could be recovered by subtraction, so the next smallest cell is hidden too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLD = 11  # counts below this are hidden (the CMS cell-size suppression policy)
HIDDEN = "<11"


@dataclass(frozen=True, slots=True)
class Cell:
    """A published count: the value, or None with the reason it is hidden."""

    value: int | None
    note: str = ""

    def __str__(self) -> str:
        return f"{self.value:,}" if self.value is not None else HIDDEN


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    """True for counts that must not be published: 1 to threshold-1.

    >>> [is_small(n) for n in (0, 1, 10, 11)]
    [False, True, True, False]
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    return 0 < count < threshold


def suppress(count: int, threshold: int = THRESHOLD) -> Cell:
    """One count as a publishable cell."""
    return Cell(None, "small cell") if is_small(count, threshold) else Cell(count)


def suppress_row(
    counts: Mapping[str, int], with_total: bool = True, threshold: int = THRESHOLD
) -> dict[str, Cell]:
    """Suppress a row of counts; with a published total, never leave exactly one cell hidden.

    >>> {k: str(v) for k, v in suppress_row({"a": 5, "b": 40, "c": 12}).items()}
    {'a': '<11', 'b': '40', 'c': '<11'}
    """
    cells = {k: suppress(v, threshold) for k, v in counts.items()}
    hidden = [k for k, c in cells.items() if c.value is None]
    if with_total and len(hidden) == 1:
        shown = sorted((v, k) for k, v in counts.items() if k not in hidden and v > 0)
        if shown:
            cells[shown[0][1]] = Cell(None, "hidden so the small cell cannot be derived")
    return cells


def rate_text(numerator: int, denominator: int, threshold: int = THRESHOLD) -> str:
    """A rate as public text: hidden when either count is small.

    >>> rate_text(3, 200), rate_text(30, 200)
    ('<11 / 200', '15.0% (30 / 200)')
    """
    num, den = suppress(numerator, threshold), suppress(denominator, threshold)
    if num.value is None or den.value is None or not denominator:
        return f"{num} / {den}"
    return f"{numerator / denominator:.1%} ({num} / {den})"
