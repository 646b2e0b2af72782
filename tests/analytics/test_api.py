"""The analysts' endpoints: analyst-only, pseudonymous figures with their definitions."""

from __future__ import annotations

import pytest

from conftest import FILINGS
from service.conftest import Env, assert_error, db_url, env, template_db

from .independent import POSSESSION_WORDINGS, connect, refiled

__all__ = ["db_url", "env", "template_db"]  # the service's fixtures, reused


def test_the_funnel_endpoint_counts_posted_events_and_names_missing_steps(env: Env) -> None:
    events = [{"case_id": "a", "type": "Screened", "outcome": "divert"},
              {"case_id": "b", "type": "Screened", "outcome": "divert"},
              {"case_id": "a", "type": "OfferMade"}]
    got = env.client.post("/api/analytics/funnel", headers=env.headers("analyst"),
                          json={"events": events, "recorded": ["eligible", "offered"]})
    assert got.status_code == 200, got.text
    body = got.json()
    assert [s["count"] for s in body["steps"]] == [2, 1, None, None, None]
    assert body["missing"] == ["accepted", "engaged", "completed"]


def test_an_unknown_funnel_step_is_a_422_naming_it(env: Env) -> None:
    got = env.client.post("/api/analytics/funnel", headers=env.headers("analyst"),
                          json={"events": [], "recorded": ["enrolled"]})
    body = assert_error(got, 422)
    assert "enrolled" in body["error"]


def test_only_analysts_read_analytics(env: Env) -> None:
    got = env.client.post("/api/analytics/funnel", headers=env.headers("charging_ada"),
                          json={"events": []})
    assert_error(got, 403)


def test_measures_state_numerator_denominator_window_and_dates(env: Env) -> None:
    got = env.client.get("/api/analytics/measures", headers=env.headers("analyst"))
    assert got.status_code == 200, got.text
    body = got.json()
    m90 = next(m for m in body["groups"]["simple_possession"]["measures"]
               if m["window_days"] == 90)
    assert (m90["numerator"], m90["denominator"]) == refiled(connect(FILINGS),
                                                             POSSESSION_WORDINGS, 90)
    assert m90["from"] == "2021-08-19" and m90["to"] == "2022-01-31"
    assert m90["censored"] > 0
    assert "person_id" not in got.text


def test_the_funnel_by_group_needs_its_dates_and_then_compares_groups(env: Env) -> None:
    events = [{"case_id": c, "type": "Screened", "outcome": "divert"} for c in "abc"]
    body = {"events": events, "recorded": ["eligible"], "groups": {"a": "x", "b": "x", "c": "y"}}
    assert_error(env.client.post("/api/analytics/funnel", headers=env.headers("analyst"),
                                 json=body), 422)
    got = env.client.post("/api/analytics/funnel", headers=env.headers("analyst"),
                          json={**body, "start": "2026-07-01", "end": "2026-07-31"})
    assert got.status_code == 200, got.text
    rows = got.json()["by_group"]["eligible (of all cases)"]
    assert [(r["group"], r["numerator"], r["denominator"]) for r in rows] == [
        ("x", 2, 2), ("y", 1, 1),
    ]


def test_the_simulation_gives_the_reports_figures_with_their_definitions(env: Env) -> None:
    got = env.client.get("/api/analytics/simulation", headers=env.headers("analyst"))
    assert got.status_code == 200, got.text
    body = got.json()
    newly = body["figures"]["cases_newly_diverted"]
    share = body["assumptions"]["todays_diversion_share"]
    full = [m for m in body["months"] if m["full_month"]]
    policy_per_month = sum(m["newly_diverted"] for m in full) / len(full)
    # "newly" is beyond today's discretionary share; the monthly counts are policy v policy
    assert newly["value"] == pytest.approx(policy_per_month * (1 - share["default"]))
    assert (newly["low"], newly["high"]) == pytest.approx(
        (policy_per_month * (1 - share["high"]), policy_per_month * (1 - share["low"])))
    assert newly["numerator"] and newly["denominator"] == "full months of data"
    assert body["figures"]["cost_treatment"]["placeholder"] is True
