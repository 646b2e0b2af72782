"""Charging drift: the share of drug filings charged as possession with intent to deliver.

If possession is diverted and PWID is not, an office could charge more possession cases as
PWID to keep them out of diversion. The share of drug filings whose top charge is PWID,
month by month, is the measure to watch once a policy starts; the months before it are its
baseline. A month the data cover only in part is marked, not dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from divert.analytics.measures import Measure, proportion


@dataclass(frozen=True, slots=True)
class DriftMonth:
    month: str  # YYYY-MM
    share: Measure  # PWID filings / drug filings, with its 95% interval
    full_month: bool


def pwid_share_by_month(
    filings: Iterable[tuple[date, str]], pwid: frozenset[str], drug: frozenset[str],
    full_months: frozenset[str],
) -> list[DriftMonth]:
    """Per month, filings whose category is in `pwid` among those in `drug`.

    Args:
        filings: (filing date, catalog category of the top charge) per case.
        pwid, drug: the categories counted in the numerator and the denominator.
        full_months: the months the data cover in full.

    >>> from datetime import date as d
    >>> rows = [(d(2021, 9, 1), "pwid"), (d(2021, 9, 2), "poss"), (d(2021, 9, 3), "theft")]
    >>> m = pwid_share_by_month(rows, frozenset({"pwid"}), frozenset({"pwid", "poss"}),
    ...                         frozenset({"2021-09"}))[0]
    >>> (m.month, m.share.numerator, m.share.denominator, m.full_month)
    ('2021-09', 1, 2, True)
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[str, list[date]] = defaultdict(list)
    for filed, category in filings:
        if category not in drug:
            continue
        month = f"{filed:%Y-%m}"
        counts[month][1] += 1
        counts[month][0] += category in pwid
        days[month].append(filed)
    return [
        DriftMonth(month, proportion("drug filings charged as PWID", k, n, min(days[month]),
                                     max(days[month])), month in full_months)
        for month, (k, n) in sorted(counts.items())
    ]


def overall(months: Iterable[DriftMonth], name: str = "drug filings charged as PWID"
            ) -> Measure:
    """The baseline: every full month's filings pooled into one share."""
    full = [m for m in months if m.full_month]
    if not full:
        raise ValueError("no full month of data: the drift baseline needs at least one")
    k = sum(m.share.numerator for m in full)
    n = sum(m.share.denominator for m in full)
    return proportion(name, k, n, min(m.share.start for m in full),
                      max(m.share.end for m in full))
