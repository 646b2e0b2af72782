"""The diversion funnel: eligible → offered → accepted → engaged → completed.

It reads plain event records (`{"case_id": ..., "type": ...}`), as the live case store
keeps them or as a historical data set can be turned into, so the same code measures
both. A step the data source does not record is reported as "no data", never as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

STEPS = ("eligible", "offered", "accepted", "engaged", "completed")

# Event type (past-tense, as the case store names them) → the funnel step it shows.
EVENT_STEPS: Mapping[str, str] = {
    "Screened": "eligible",  # only when its outcome is "divert" (see step_of)
    "Eligible": "eligible",
    "OfferMade": "offered",
    "Offered": "offered",
    "OfferAccepted": "accepted",
    "Accepted": "accepted",
    "ReferralMade": "accepted",
    "EngagementReported": "engaged",
    "Engaged": "engaged",
    "DiversionCompleted": "completed",
    "Completed": "completed",
}


def step_of(event: Mapping[str, Any]) -> str | None:
    """The funnel step an event record shows, or None when it shows none."""
    kind = str(event.get("type") or event.get("event") or "")
    step = EVENT_STEPS.get(kind)
    if kind == "Screened" and str(event.get("outcome", "")) != "divert":
        return None
    if kind == "EngagementReported" and event.get("engaged") is False:
        return None
    return step


@dataclass(frozen=True, slots=True)
class FunnelStep:
    step: str
    count: int | None  # None: the data source does not record this step
    share_of_previous: float | None
    lost: int | None  # cases that reached the previous step but not this one


@dataclass(frozen=True, slots=True)
class Funnel:
    steps: tuple[FunnelStep, ...]
    recorded: tuple[str, ...]

    def missing(self) -> tuple[str, ...]:
        return tuple(s for s in STEPS if s not in self.recorded)

    def describe(self) -> list[str]:
        """One sentence per step, saying plainly where the data has nothing."""
        lines = []
        for s in self.steps:
            if s.count is None:
                lines.append(f"{s.step}: no data — this data set does not record this step.")
            elif s.share_of_previous is None:
                lines.append(f"{s.step}: {s.count:,} cases.")
            else:
                lines.append(
                    f"{s.step}: {s.count:,} cases ({s.share_of_previous:.1%} of the step before;"
                    f" {s.lost:,} lost)."
                )
        return lines


Classifier = Callable[[Mapping[str, Any]], str | None]


def reached(
    events: Iterable[Mapping[str, Any]], classify: Classifier = step_of
) -> dict[str, set[str]]:
    """For each step, the case ids that reached it or any later step (steps are ordered)."""
    out: dict[str, set[str]] = {s: set() for s in STEPS}
    for e in events:
        step = classify(e)
        if step is None:
            continue
        for s in STEPS[: STEPS.index(step) + 1]:
            out[s].add(str(e["case_id"]))
    return out


def funnel(
    events: Iterable[Mapping[str, Any]],
    recorded: Iterable[str] = STEPS,
    classify: Classifier = step_of,
) -> Funnel:
    """Count each recorded step; steps the source does not record come back as no data."""
    rec = tuple(s for s in STEPS if s in set(recorded))
    unknown = set(recorded) - set(STEPS)
    if unknown:
        raise ValueError(f"unknown funnel step(s) {sorted(unknown)}; the steps are {STEPS}")
    got = reached(events, classify)
    steps: list[FunnelStep] = []
    prev: int | None = None
    for s in STEPS:
        count = len(got[s]) if s in rec else None
        share = lost = None
        if count is not None and prev is not None:
            share = count / prev if prev else None
            lost = prev - count
        steps.append(FunnelStep(s, count, share, lost))
        prev = count
    return Funnel(tuple(steps), rec)
