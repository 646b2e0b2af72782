"""Events survive the trip through the stored JSON, and a bad payload names its field."""

from __future__ import annotations

import json

import pytest

from divert.cases.events import BadEventPayload, from_payload, kind_of, to_payload

from .samples import SAMPLES


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_event_round_trips_through_json(kind: str) -> None:
    event = SAMPLES[kind]
    stored = json.loads(json.dumps(to_payload(event)))
    assert from_payload(kind_of(event), stored) == event


def test_dates_are_stored_as_iso_text() -> None:
    assert to_payload(SAMPLES["OfferMade"]) == {
        "expires_on": "2026-07-30", "terms": "90 days of engagement"}


def test_an_unknown_event_type_lists_the_known_ones() -> None:
    with pytest.raises(BadEventPayload, match="unknown event type 'OfferWithdrawn'; known: "):
        from_payload("OfferWithdrawn", {})


def test_a_missing_field_is_named() -> None:
    with pytest.raises(BadEventPayload, match="DecisionOverridden: field 'reason' is required"):
        from_payload("DecisionOverridden", {"screening_id": 1, "outcome": "x", "by": "a"})


def test_a_bad_date_is_named_with_its_value() -> None:
    with pytest.raises(BadEventPayload, match=r"OfferMade: field 'expires_on'.*'next week'"):
        from_payload("OfferMade", {"expires_on": "next week"})


def test_a_wrong_type_is_refused_not_coerced() -> None:
    with pytest.raises(BadEventPayload, match="field 'screening_id': expected an integer"):
        from_payload("DecisionConfirmed", {"screening_id": "1", "by": "a"})


def test_unexpected_fields_are_refused() -> None:
    with pytest.raises(BadEventPayload, match="unexpected field"):
        from_payload("ConsentRecorded", {"consent_id": 1, "diagnosis": "x"})


def test_an_override_needs_a_real_outcome_and_a_written_reason() -> None:
    from divert.cases.events import DecisionOverridden, ReturnedToProsecution

    with pytest.raises(BadEventPayload, match="'outcome': 'acquit' is not one of divert"):
        DecisionOverridden(1, "acquit", "because", "ada.one")
    with pytest.raises(BadEventPayload, match="'reason' must be written out"):
        DecisionOverridden(1, "prosecute", "   ", "ada.one")
    with pytest.raises(BadEventPayload, match="ReturnedToProsecution: field 'reason'"):
        ReturnedToProsecution("")
    with pytest.raises(BadEventPayload, match="'reason' must be written out"):
        from_payload("DecisionOverridden",
                     {"screening_id": 1, "outcome": "divert", "reason": "", "by": "a"})
