"""The decision in effect: what an office relies on when it asks "what counts on this case?"."""

from __future__ import annotations

import re
from datetime import date

import pytest

from divert.cases import decision
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

SCREENED_DIVERT = Screened(1, "divert", "p", 3, "ab" * 32)


def fold(*events: Event) -> decision.Effective:
    return decision.fold(events)


def test_the_screening_counts_until_a_review_changes_it() -> None:
    now = fold(SCREENED_DIVERT)
    assert (now.outcome, now.machine, now.source, now.by) == ("divert", "divert", "screening",
                                                               None)
    now = fold(SCREENED_DIVERT, DecisionOverridden(1, "prosecute", "asked for trial", "ada"))
    assert (now.outcome, now.machine, now.by, now.overridden) == ("prosecute", "divert", "ada",
                                                                   True)


def test_a_review_that_needs_approval_counts_only_once_approved() -> None:
    waiting = fold(SCREENED_DIVERT,
                   DecisionOverridden(1, "prosecute", "asked for trial", "ada", "supervisor"))
    assert waiting.outcome == "divert" and waiting.pending is not None
    assert waiting.pending.seq == 2
    approved = decision.step(waiting, 3, ReviewApproved(2, "sup"))
    assert (approved.outcome, approved.by, approved.approved_by, approved.pending) == (
        "prosecute", "ada", "sup", None)
    refused = decision.step(waiting, 3, ReviewRefused(2, "sup", "policy says divert"))
    assert (refused.outcome, refused.pending) == ("divert", None)


@pytest.mark.parametrize("closing", [ChargesWithdrawn(date(2026, 7, 9), "no evidence"),
                                     Disposed(date(2026, 7, 9), "guilty plea")])
def test_a_review_still_waiting_lapses_when_the_case_closes(closing: Event) -> None:
    # Found by the lifecycle model: an override waiting for approval, then the case closed;
    # nobody can approve it any more, so it must leave the approvals queue.
    waiting = fold(SCREENED_DIVERT,
                   DecisionOverridden(1, "prosecute", "asked for trial", "ada", "supervisor"))
    closed = decision.step(waiting, 3, closing)
    assert (closed.outcome, closed.pending) == ("divert", None)


def test_a_confirmation_can_wait_for_the_approval_its_clause_names() -> None:
    waiting = fold(Screened(1, "needs_review", "p", 3, "ab" * 32),
                   DecisionConfirmed(1, "ada", approval="supervisor"))
    assert waiting.source == "screening" and waiting.pending is not None
    assert decision.step(waiting, 3, ReviewApproved(2, "sup")).source == "review"


def test_an_approval_for_another_review_or_by_the_reviewer_is_refused() -> None:
    waiting = fold(SCREENED_DIVERT,
                   DecisionOverridden(1, "prosecute", "asked for trial", "ada", "supervisor"))
    with pytest.raises(decision.NotDivertible, match="Nobody approves their own review"):
        decision.check_review(waiting, ReviewApproved(2, "ada"), "ada")
    with pytest.raises(decision.NotDivertible, match="no review waiting"):
        decision.check_review(waiting, ReviewApproved(7, "sup"), "sup")
    with pytest.raises(decision.NotDivertible, match="must be approved or refused first"):
        decision.check_review(waiting, DecisionConfirmed(1, "ada2"), "ada2")


@pytest.mark.parametrize(("events", "says"), [
    ((), "the decision in effect is not screened"),
    ((Screened(1, "prosecute", "p", 3, "ab" * 32),), "is prosecute (the screening)"),
    ((SCREENED_DIVERT, DecisionOverridden(1, "decline", "no evidence", "ada")),
     "is decline (an override by ada)"),
    ((SCREENED_DIVERT, DecisionOverridden(1, "prosecute", "trial", "ada", "supervisor")),
     "waiting for approval by the supervisor"),
])
def test_an_offer_needs_a_divert_in_effect(events: tuple[Event, ...], says: str) -> None:
    with pytest.raises(decision.NotDivertible, match=f"^Case C-1: .*{re.escape(says)}"):
        decision.require_divert(decision.fold(events), "C-1")
    decision.require_divert(fold(SCREENED_DIVERT, DecisionConfirmed(1, "ada")), "C-1")
