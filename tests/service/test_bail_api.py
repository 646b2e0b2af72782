"""Bail and supervision through the API: the recommendation made at screening, the request
the ADA made and the court's bail side by side, and departures waiting for the approval the
policy names."""

from __future__ import annotations

from typing import Any

from .conftest import Env, assert_error

RETAIL = {"as_written": "Retail Theft-Take Mdse", "grade": "M1"}
KNOWN = {"fentanyl_evidence": False, "bench_warrants_5y": 0, "open_pwid_cases": 0}


def _file(env: Env, case_id: str, **facts: Any) -> dict[str, Any]:
    response = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": case_id, "person_id": f"p-{case_id}", "filing_date": "2026-07-01",
        "age": 30, "charges": [RETAIL], **facts})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _post(env: Env, role: str, case_id: str, path: str, body: dict[str, Any]) -> Any:
    version = env.client.get(f"/api/cases/{case_id}", headers=env.headers(role)).json()["version"]
    return env.client.post(f"/api/cases/{case_id}/{path}",
                           headers=env.headers(role, **{"If-Match": str(version)}), json=body)


def _bail(env: Env, case_id: str, role: str = "charging_ada") -> dict[str, Any]:
    response = env.client.get(f"/api/cases/{case_id}/bail", headers=env.headers(role))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_screening_stores_the_recommendation_with_its_reason(env: Env) -> None:
    _file(env, "B-1", **KNOWN)
    rec = _bail(env, "B-1")["recommendation"]
    assert rec["outcome"] == "ror" and rec["because"] == ["listed-no-cash"]
    assert rec["policy"]["id"] == "phl-dao-bail-2018"
    assert rec["says"][0].startswith("clause 1 — Every charge (18 Pa.C.S. § 3929(a)(1)) is on")


def test_facts_not_stated_send_the_recommendation_to_review_naming_them(env: Env) -> None:
    _file(env, "B-2")
    rec = _bail(env, "B-2")["recommendation"]
    assert rec["outcome"] == "needs_review"
    assert set(rec["unknowns"]) == {"case.fentanyl_evidence", "person.bench_warrants_5y",
                                    "person.open_pwid_cases"}
    # with no presumption in effect, a cash request departs from nothing
    response = _post(env, "charging_ada", "B-2", "bail/requests",
                     {"requested": "cash", "amount": 1000})
    assert response.status_code == 201, response.text
    assert _bail(env, "B-2")["requests"][0]["status"] == "in_effect"


def test_cash_where_the_policy_asks_none_waits_for_the_district_attorney(env: Env) -> None:
    _file(env, "B-3", **KNOWN)
    refused = _post(env, "charging_ada", "B-3", "bail/requests",
                    {"requested": "cash", "amount": 5000})
    assert "needs the approval of the unit supervisor, and then the District Attorney" in \
        assert_error(refused, 422)["error"]
    asked = _post(env, "charging_ada", "B-3", "bail/requests", {
        "requested": "cash", "amount": 5000, "reason": "Threats to the complaining witness."})
    assert asked.status_code == 201, asked.text
    request = _bail(env, "B-3")["requests"][0]
    assert (request["status"], request["approval"]) == ("waiting", "district_attorney")
    seq = request["seq"]
    body = {"request_seq": seq, "decision": "approve"}
    assert_error(_post(env, "supervisor", "B-3", "bail/approval", body), 403)
    approved = _post(env, "district_attorney", "B-3", "bail/approval", body)
    assert approved.status_code == 201, approved.text
    after = _bail(env, "B-3")["requests"][0]
    assert (after["status"], after["decided_by"]) == ("approved", "u-district_attorney")
    assert_error(_post(env, "district_attorney", "B-3", "bail/approval", body), 409)


def test_unsecured_instead_of_ror_is_no_departure(env: Env) -> None:
    _file(env, "B-4", **KNOWN)
    response = _post(env, "charging_ada", "B-4", "bail/requests",
                     {"requested": "unsecured", "amount": 1000})
    assert response.status_code == 201, response.text
    assert _bail(env, "B-4")["requests"][0]["status"] == "in_effect"


def test_recommendation_request_and_court_bail_side_by_side(env: Env) -> None:
    _file(env, "B-5", **KNOWN)
    _post(env, "charging_ada", "B-5", "bail/requests", {"requested": "ror", "on": "2026-07-01"})
    court = _post(env, "charging_ada", "B-5", "bail/court",
                  {"bail_type": "cash", "amount": 2500, "on": "2026-07-01"})
    assert court.status_code == 201, court.text
    body = _bail(env, "B-5")
    assert body["recommendation"]["outcome"] == "ror"
    assert body["requests"][0]["requested"] == "ror"
    assert body["court"][0] | {"seq": 0} == {"seq": 0, "bail_type": "cash", "amount": 2500,
                                             "on": "2026-07-01"}
    assert_error(_post(env, "charging_ada", "B-5", "bail/court", {"bail_type": "cash"}), 422)
    assert_error(_post(env, "coordinator", "B-5", "bail/court", {"bail_type": "ror"}), 403)


def test_probation_over_the_cap_at_disposition_waits_for_approval(env: Env) -> None:
    _file(env, "B-6", **KNOWN)
    early = _post(env, "charging_ada", "B-6", "supervision", {"months": 6})
    assert_error(early, 409)  # recorded at disposition, after the review
    confirmed = _post(env, "supervisor", "B-6", "reviews", {"action": "confirm"})
    assert confirmed.status_code == 201, confirmed.text
    within = _post(env, "charging_ada", "B-6", "supervision", {"months": 12})
    assert within.status_code == 201, within.text
    over = _post(env, "charging_ada", "B-6", "supervision", {"months": 18})
    assert "12-month cap of clause 2" in assert_error(over, 422)["error"]
    over = _post(env, "charging_ada", "B-6", "supervision",
                 {"months": 18, "reason": "The plea agreement asks for 18 months."})
    assert over.status_code == 201, over.text
    asked = _bail(env, "B-6")["supervision"]
    assert [(s["months"], s["recommendation"], s["status"]) for s in asked] == [
        (12, "probation_1y_max", "in_effect"), (18, "probation_1y_max", "waiting")]


def test_the_analyst_sees_live_bail_and_probation_against_the_aims(env: Env) -> None:
    _file(env, "B-7", **KNOWN)
    _post(env, "charging_ada", "B-7", "bail/court", {"bail_type": "cash", "amount": 500})
    _post(env, "supervisor", "B-7", "reviews", {"action": "confirm"})
    _post(env, "charging_ada", "B-7", "supervision", {"months": 9})
    response = env.client.get("/api/analytics/bail", headers=env.headers("analyst"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"recommendation": "ror", "court": "cash", "cases": 1} in body["against_court"]
    misdemeanor = next(t for t in body["supervision"] if t["cap"] == "probation_1y_max")
    assert (misdemeanor["requests"], misdemeanor["mean_months"], misdemeanor["aim_months"],
            misdemeanor["meets_aim"]) == (1, 9, 6, False)
    assert_error(env.client.get("/api/analytics/bail", headers=env.headers("charging_ada")),
                 403)
