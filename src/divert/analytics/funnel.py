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

# Event kind (past-tense, as cases/events.py names them) → the funnel step it shows.
EVENT_STEPS: Mapping[str, str] = {
    "Screened": "eligible",  # only when its outcome is "divert" (see step_of)
    "DecisionOverridden": "eligible",  # only when the ADA chose "divert"
    "OfferMade": "offered",
    "OfferAccepted": "accepted",
    "ReferredToProvider": "accepted",  # a referral follows an accepted offer
    "EngagementReported": "engaged",  # a report exists; its content stays with the provider
    "DiversionCompleted": "completed",
}
_NEEDS_DIVERT = ("Screened", "DecisionOverridden")


def _field(event: Mapping[str, Any], name: str) -> Any:
    """A field of a flat record, or of a stored event's `payload` (store/views.EventView)."""
    if name in event:
        return event[name]
    payload = event.get("payload")
    return payload.get(name) if isinstance(payload, Mapping) else None


def step_of(event: Mapping[str, Any]) -> str | None:
    """The funnel step an event record shows, or None when it shows none.

    Accepts flat records (`{"case_id", "type", "outcome"}`) and the case store's events
    (`{"case_id", "kind", "payload": {...}}`).
    """
    kind = str(event.get("type") or event.get("kind") or event.get("event") or "")
    step = EVENT_STEPS.get(kind)
    if kind in _NEEDS_DIVERT and str(_field(event, "outcome") or "") != "divert":
        return None
    if kind == "EngagementReported" and (_field(event, "engaged") is False
                                         or _field(event, "withheld") is True):
        return None  # not engaged, or no consent discloses the status: not counted
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
