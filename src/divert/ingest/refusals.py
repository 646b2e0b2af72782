"""Refusals: the rows an ingest would not load, each with where it is and why.

Bad input is a value, not an exception: a reader returns what it accepted plus these records,
so an operator can fix the source and nothing disappears without a trace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused row (or one value set to unknown, for a warning), located in its file.

    >>> str(Refusal("f.csv", 7, "bail_type", "Cash", "unknown bail type"))
    "f.csv:7: column 'bail_type': value 'Cash': unknown bail type"
    >>> str(Refusal("f.csv", 3, None, None, "expected 16 columns, found 15"))
    'f.csv:3: expected 16 columns, found 15'
    """

    path: str
    line: int  # 1-based physical line of the row in the file (the header is line 1)
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        column = f"column '{self.column}': " if self.column is not None else ""
        value = f"value '{_short(self.value)}': " if self.value is not None else ""
        return f"{self.path}:{self.line}: {column}{value}{self.reason}"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def count_by_reason(refusals: Iterable[Refusal]) -> list[tuple[str, int]]:
    """How many refusals each column and reason has, most frequent first.

    Readers keep particulars (which value, which line) out of `reason`, so that a whole bad
    column makes one line of the summary, not thousands.

    >>> rs = [Refusal("f", 2, "age", "x", "not a whole number"),
    ...       Refusal("f", 3, "age", "y", "not a whole number"),
    ...       Refusal("f", 4, None, None, "expected 16 columns, found 3")]
    >>> count_by_reason(rs)
    [('age: not a whole number', 2), ('expected 16 columns, found 3', 1)]
    """
    counts = Counter(
        f"{r.column}: {r.reason}" if r.column is not None else r.reason for r in refusals
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
