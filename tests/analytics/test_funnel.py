"""The funnel counts each step once per case and says 'no data' for steps not recorded."""

from __future__ import annotations

import pytest

from divert.analytics.funnel import funnel

EVENTS = [
    {"case_id": "1", "type": "Screened", "outcome": "divert"},
    {"case_id": "2", "type": "Screened", "outcome": "divert"},
    {"case_id": "3", "type": "Screened", "outcome": "divert"},
    {"case_id": "4", "type": "Screened", "outcome": "prosecute"},
    {"case_id": "1", "type": "OfferMade"}, {"case_id": "2", "type": "OfferMade"},
    {"case_id": "1", "type": "OfferAccepted"}, {"case_id": "2", "type": "OfferAccepted"},
    {"case_id": "1", "type": "EngagementReported", "engaged": True},
    {"case_id": "1", "type": "EngagementReported", "engaged": True},  # a second report
    {"case_id": "2", "type": "EngagementReported", "engaged": False},
]


def test_live_events_give_each_step_and_the_share_lost() -> None:
    f = funnel(EVENTS)
    assert [(s.step, s.count) for s in f.steps] == [
        ("eligible", 3), ("offered", 2), ("accepted", 2), ("engaged", 1), ("completed", 0),
    ]
    offered = f.steps[1]
    assert offered.lost == 1
    assert offered.share_of_previous == pytest.approx(2 / 3)


def test_steps_the_data_does_not_record_are_no_data_not_zero() -> None:
    f = funnel(EVENTS[:4], recorded=["eligible"])
    assert [s.count for s in f.steps] == [3, None, None, None, None]
    assert f.missing() == ("offered", "accepted", "engaged", "completed")
    assert f.describe()[1] == "offered: no data — this data set does not record this step."


def test_a_later_step_implies_the_earlier_ones() -> None:
    f = funnel([{"case_id": "9", "type": "DiversionCompleted"}])
    assert [s.count for s in f.steps] == [1, 1, 1, 1, 1]


def test_an_unknown_step_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown funnel step"):
        funnel(EVENTS, recorded=["eligble"])


def test_the_case_store_event_shape_is_read_too() -> None:
    stored = [
        {"case_id": "C1", "kind": "Screened", "payload": {"outcome": "divert", "screening_id": 1}},
        {"case_id": "C2", "kind": "Screened", "payload": {"outcome": "prosecute"}},
        {"case_id": "C2", "kind": "DecisionOverridden", "payload": {"outcome": "divert"}},
        {"case_id": "C1", "kind": "OfferMade", "payload": {"expires_on": "2026-08-01"}},
        {"case_id": "C1", "kind": "OfferAccepted", "payload": {}},
        {"case_id": "C1", "kind": "ReferredToProvider", "payload": {"provider_id": "p"}},
        {"case_id": "C1", "kind": "EngagementReported", "payload": {"report_id": 7}},
        {"case_id": "C1", "kind": "ReArrestRecorded", "payload": {}},
    ]
    f = funnel(stored)
    assert [s.count for s in f.steps] == [2, 1, 1, 1, 0]
