"""The probation the office asked for, against the averages the March 2019 memo aims at.

The memo caps probation requests (1 year for misdemeanors, 3 for felonies) and aims at
averages of 6 and 18 months; both numbers are the policy's `terms`, read here, not written
in code. Given the requests recorded at disposition, this reports per cap: how many, the
mean and median months asked, the aim, and how many went over the cap (each needing prior
approval).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean, median

from divert.policy.model import PolicyVersion


@dataclass(frozen=True, slots=True)
class TermFigures:
    outcome: str  # probation_1y_max | probation_3y_max
    requests: int
    mean_months: float | None  # None when there is no request
    median_months: float | None
    aim_months: int
    cap_months: int
    over_cap: int

    @property
    def meets_aim(self) -> bool | None:
        """Whether the mean is at or under the aim; None with no request to measure."""
        return None if self.mean_months is None else self.mean_months <= self.aim_months


def averages(version: PolicyVersion,
             requests: Iterable[tuple[str, int]]) -> tuple[TermFigures, ...]:
    """Per capped outcome of `version`, the figures of the (outcome, months asked) requests.

    >>> from divert.policy.load import load_policies
    >>> v = load_policies()["phl-dao-supervision-2019"].latest()
    >>> f = averages(v, [("probation_1y_max", 6), ("probation_1y_max", 18)])
    >>> [(x.outcome, x.requests, x.mean_months, x.over_cap) for x in f]
    [('probation_3y_max', 0, None, 0), ('probation_1y_max', 2, 12, 1)]
    """
    asked: dict[str, list[int]] = {name: [] for name in version.terms}
    for outcome, asked_months in requests:
        if outcome in asked:
            asked[outcome].append(asked_months)
    out = []
    for name, term in version.terms.items():
        months = asked[name]
        out.append(TermFigures(
            name, len(months), mean(months) if months else None,
            median(months) if months else None, term.average_months, term.cap_months,
            sum(1 for m in months if m > term.cap_months)))
    return tuple(out)
