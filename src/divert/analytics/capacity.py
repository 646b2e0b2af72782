"""Treatment capacity: slots needed for a stream of referrals, and the waiting list when short.

Steady state is Little's law: people in treatment = starts per month × months in treatment.
When demand exceeds slots, a month-by-month queue (first come, first served) shows how
the waiting list grows; the estimate of the wait is again Little's law on the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def slots_needed(
    referrals_per_month: float, engagement_rate: float, program_months: float
) -> float:
    """People in treatment at once, in steady state: referrals × engagement × length.

    >>> slots_needed(100, 0.5, 6)
    300.0
    """
    for name, value in (("referrals_per_month", referrals_per_month),
                        ("engagement_rate", engagement_rate), ("program_months", program_months)):
        if value < 0:
            raise ValueError(f"{name} cannot be negative, got {value}")
    if engagement_rate > 1:
        raise ValueError(f"engagement_rate is a share (0 to 1), got {engagement_rate}")
    return float(referrals_per_month * engagement_rate * program_months)


@dataclass(frozen=True, slots=True)
class QueueMonth:
    month: int  # 1 = the first month the policy runs
    arrivals: float  # engaged people asking for a slot this month
    started: float
    in_treatment: float  # at the end of the month
    waiting: float  # at the end of the month

    @property
    def wait_months(self) -> float:
        """Expected wait for someone joining now (Little's law: queue / starts per month)."""
        if self.waiting <= 0:
            return 0.0
        return self.waiting / self.started if self.started > 0 else float("inf")


def waiting_list(
    arrivals: Sequence[float], slots: float, program_months: float
) -> list[QueueMonth]:
    """Month-by-month fluid queue: a share 1/length of those in treatment leave each month.

    By hand: month 2 frees 150 - (100 - 33.3) = 83.3 slots for 100 arrivals (16.7 wait);
    month 3 frees 150 - (150 - 50) = 50 for 116.7 (66.7 wait).

    >>> [round(m.waiting) for m in waiting_list([100, 100, 100], slots=150, program_months=3)]
    [0, 17, 67]
    """
    if slots < 0 or program_months <= 0:
        raise ValueError(f"need slots >= 0 and program_months > 0, got {slots}, {program_months}")
    in_treatment = waiting = 0.0
    out = []
    for i, arriving in enumerate(arrivals, start=1):
        leaving = in_treatment / program_months
        free = max(0.0, slots - (in_treatment - leaving))
        started = min(waiting + arriving, free)
        in_treatment = in_treatment - leaving + started
        waiting = waiting + arriving - started
        out.append(QueueMonth(i, arriving, started, in_treatment, waiting))
    return out
