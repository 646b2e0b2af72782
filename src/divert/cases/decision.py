"""The decision in effect on a case: the machine's, or a review over it once it holds.

A case has one effective outcome. It is the latest screening's, until a review changes it:
a confirmation or an override takes effect when it is recorded, or — where the policy names
an approval — only when the approver agrees (ReviewApproved). A refused review leaves the
decision before it in effect. The machine's decision is never edited; both are kept side by
side so a page can show what the policy decided and what the office decided.

Everything after screening that acts on a diversion (an offer first of all) needs an
effective `divert` and no review waiting for approval: `require_divert` says why not in a
sentence a coordinator can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from divert.cases.events import (
    ChargesWithdrawn,
    DecisionConfirmed,
    DecisionOverridden,
    Disposed,
    Event,
    ReviewApproved,
    ReviewRefused,
    Screened,
)
from divert.errors import DivertError

DIVERT = "divert"


@dataclass(frozen=True, slots=True)
class Pending:
    """A review recorded but waiting for its approver."""

    seq: int  # the review event's position in the case's history (1-based)
    outcome: str  # what it would make the effective outcome
    by: str
    reason: str
    approval: str  # who must approve, as the policy names it


@dataclass(frozen=True, slots=True)
class Effective:
    """What counts now, and why: `source` is "screening" or "review"."""

    outcome: str | None = None  # None: never screened
    machine: str | None = None  # the latest screening's outcome
    source: str = "screening"
    by: str | None = None  # who decided (the reviewer), None for the machine
    reason: str | None = None  # the override's written reason
    approved_by: str | None = None
    pending: Pending | None = None

    @property
    def overridden(self) -> bool:
        return self.source == "review" and self.outcome != self.machine


class NotDivertible(DivertError):
    """A step that needs a decision to divert was asked of a case without one in effect."""


def fold(events: Iterable[Event]) -> Effective:
    """The effective decision after `events`, in order (positions are the events' seq)."""
    now = Effective()
    for seq, event in enumerate(events, start=1):
        now = step(now, seq, event)
    return now


def step(now: Effective, seq: int, event: Event) -> Effective:
    """The effective decision after one more event at position `seq`."""
    match event:
        case Screened(outcome=outcome):
            return Effective(outcome=outcome, machine=outcome)
        case DecisionConfirmed(by=by, approval=None):
            return replace(now, outcome=now.machine, source="review", by=by, reason=None,
                           approved_by=None, pending=None)
        case DecisionConfirmed(by=by, approval=str(approval)):
            return replace(now, pending=Pending(seq, now.machine or "", by, "", approval))
        case DecisionOverridden(outcome=outcome, reason=reason, by=by, approval=None):
            return replace(now, outcome=outcome, source="review", by=by, reason=reason,
                           approved_by=None, pending=None)
        case DecisionOverridden(outcome=outcome, reason=reason, by=by,
                                approval=str(approval)):
            return replace(now, pending=Pending(seq, outcome, by, reason, approval))
        case ReviewApproved(review_seq=review, by=approver) if _waiting(now, review):
            assert now.pending is not None
            p = now.pending
            return replace(now, outcome=p.outcome, source="review", by=p.by,
                           reason=p.reason or None, approved_by=approver, pending=None)
        case ReviewRefused(review_seq=review) if _waiting(now, review):
            return replace(now, pending=None)
        case ChargesWithdrawn() | Disposed():  # a closed case: a waiting review lapses
            return replace(now, pending=None)
    return now


def _waiting(now: Effective, review_seq: int) -> bool:
    return now.pending is not None and now.pending.seq == review_seq


def check_review(now: Effective, event: Event, actor: str) -> None:
    """Refuse a review step that makes no sense now, in a sentence (nothing is written)."""
    if isinstance(event, DecisionConfirmed | DecisionOverridden) and now.pending is not None:
        raise NotDivertible(
            f"A review by {now.pending.by} is waiting for approval by the "
            f"{_words(now.pending.approval)}; it must be approved or refused first.")
    if isinstance(event, ReviewApproved | ReviewRefused):
        if now.pending is None or now.pending.seq != event.review_seq:
            raise NotDivertible("There is no review waiting for approval on this case.")
        if now.pending.by == actor:
            raise NotDivertible(
                "Nobody approves their own review: another person with the approval the "
                f"policy names ({_words(now.pending.approval)}) must decide.")


def require_divert(now: Effective, case_id: str) -> None:
    """An offer (and all that follows) needs an effective divert and no review pending."""
    if now.pending is not None:
        raise NotDivertible(
            f"Case {case_id}: a review is waiting for approval by the "
            f"{_words(now.pending.approval)}; no offer can be made until it is decided.")
    if now.outcome != DIVERT:
        who = (f"{'an override' if now.overridden else 'a review'} by {now.by}"
               if now.source == "review" else "the screening")
        shown = (now.outcome or "not screened").replace("_", " ")
        raise NotDivertible(
            f"Case {case_id}: the decision in effect is {shown} ({who}); an offer needs a "
            "decision to divert.")


def _words(approval: str) -> str:
    return approval.replace("_", " ")
