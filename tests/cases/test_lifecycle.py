"""The lifecycle table, pair by pair, checked against the table a reader sees in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from divert.cases.events import EVENT_TYPES, kind_of
from divert.cases.lifecycle import (
    TRANSITIONS,
    State,
    allowed,
    apply,
    fold,
    had_diversion,
)
from divert.errors import IllegalTransition

from .samples import SAMPLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


def documented_table() -> dict[tuple[State, str], State]:
    """Parse the `| from | event | to |` table of docs/lifecycle.md."""
    rows = re.findall(r"^\| (\w+) \| (\w+) \| (\w+) \|$", DOC.read_text(), re.MULTILINE)
    return {(State(s), e): State(t) for s, e, t in rows if s != "from"}


def test_every_event_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(EVENT_TYPES)


def test_the_docs_show_exactly_the_transition_table() -> None:
    assert documented_table() == TRANSITIONS


@pytest.mark.parametrize("state", list(State), ids=str)
@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_every_state_event_pair(state: State, kind: str) -> None:
    expected = documented_table().get((state, kind))
    if expected is not None:
        assert apply(state, SAMPLES[kind], "C-1") is expected
    else:
        with pytest.raises(IllegalTransition) as caught:
            apply(state, SAMPLES[kind], "C-1")
        assert caught.value.allowed == allowed(state)
        assert caught.value.state == state.name and caught.value.event == kind
        assert f"case C-1: cannot apply {kind} in state {state.name}" in str(caught.value)


def test_a_full_diversion_folds_to_withdrawn_charges() -> None:
    names = ["CaseFiled", "Screened", "DecisionConfirmed", "OfferMade", "OfferAccepted",
             "ReferredToProvider", "ConsentRecorded", "EngagementReported",
             "DiversionCompleted", "ChargesWithdrawn"]
    assert fold(SAMPLES[n] for n in names) is State.WITHDRAWN


def test_a_declined_offer_goes_to_prosecution_then_disposition() -> None:
    names = ["CaseFiled", "Screened", "DecisionOverridden", "OfferMade", "OfferDeclined",
             "Disposed"]
    assert fold(SAMPLES[n] for n in names) is State.DISPOSED


def test_pad_comes_before_any_charge_and_then_the_filing() -> None:
    assert fold([SAMPLES["PadReferred"], SAMPLES["CaseFiled"]]) is State.FILED
    with pytest.raises(IllegalTransition, match="allowed: Screened"):
        fold([SAMPLES["CaseFiled"], SAMPLES["PadReferred"]], "C-9")


def test_closed_cases_accept_only_revocations_and_rearrests() -> None:
    for state in (State.WITHDRAWN, State.DISPOSED):
        assert set(allowed(state)) == {"ConsentRevoked", "ReArrestRecorded"}


def test_an_override_is_a_review_not_an_edit() -> None:
    assert apply(State.SCREENED, SAMPLES["DecisionOverridden"]) is State.REVIEWED


def test_diversion_history_is_pad_or_an_accepted_offer() -> None:
    assert had_diversion([SAMPLES["PadReferred"]])
    assert had_diversion([SAMPLES["CaseFiled"], SAMPLES["OfferAccepted"]])
    assert not had_diversion([SAMPLES["CaseFiled"], SAMPLES["OfferDeclined"]])


def test_kind_is_the_class_name() -> None:
    assert kind_of(SAMPLES["OfferMade"]) == "OfferMade"
