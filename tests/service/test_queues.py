"""The saved queues each role works (cases/queues.py), in the pages and the API alike:
unreviewed (with bulk confirm, each case its own review), offers expiring, referred with no
engagement; filters by vehicle and provider; a queue the role does not work is refused."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from .conftest import Env
from .test_pages_police import page_login
from .test_pages_provider import kinds, referral
from .test_providers_consent import _post


def listed(env: Env, role: str, **params: Any) -> list[dict[str, Any]]:
    response = env.client.get("/api/cases", params=params, headers=env.headers(role))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def ids(env: Env, role: str, **params: Any) -> list[str]:
    return [c["id"] for c in listed(env, role, **params)]


def later(env: Env, days: int) -> None:
    """Move the clock; sessions idle that long have ended, so log in again."""
    env.clock.advance(days=days)
    env.tokens.clear()
    env.client.cookies.clear()


def test_unreviewed_lists_screened_cases_oldest_first_and_bulk_confirm_records_each(
        env: Env) -> None:
    assert ids(env, "charging_ada", queue="unreviewed") == ["T-PARA", "T-POSS", "T-PWID"]
    page_login(env, "u-charging_ada")
    page = env.client.get("/cases", params={"queue": "unreviewed"}).text
    ticks = re.findall(r'name="case" value="([^"]+)"', page)
    assert [t.split("@")[0] for t in ticks] == ["T-PARA", "T-POSS", "T-PWID"]
    stale = "T-PWID@1"  # a version the case has moved past: refused, the others go on
    done = env.client.post("/cases/confirm", follow_redirects=True, data={
        "case": [ticks[0], ticks[1], stale], "back": "/cases?queue=unreviewed"})
    assert done.status_code == 200
    assert "Confirmed 2 cases, each as its own review." in done.text
    assert "Not confirmed: T-PWID" in done.text
    assert ids(env, "charging_ada", queue="unreviewed") == ["T-PWID"]
    assert kinds(env)[-1] == "DecisionConfirmed"
    events = env.client.get("/api/cases/T-PARA/events",
                            headers=env.headers("charging_ada")).json()["items"]
    assert events[-1]["kind"] == "DecisionConfirmed" and events[-1]["actor"] == "u-charging_ada"


def test_offers_expiring_shows_an_offer_in_its_last_week_soonest_first(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    assert ids(env, "coordinator", queue="offers_expiring") == []  # 18 days left
    later(env, 12)  # 2026-07-14: six days left
    got = listed(env, "coordinator", queue="offers_expiring")
    assert [(c["id"], c["due_on"]) for c in got] == [("T-POSS", "2026-07-20")]
    page_login(env, "u-coordinator")
    page = env.client.get("/cases", params={"queue": "offers_expiring"}).text
    assert "Offer open until" in page and "<td>2026-07-20</td>" in page
    _post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, "coordinator")
    assert ids(env, "coordinator", queue="offers_expiring") == []


def test_a_referral_with_no_report_for_two_weeks_comes_up_until_the_provider_reports(
        env: Env) -> None:
    referral(env)  # referred on 2026-07-02
    assert ids(env, "coordinator", queue="no_engagement") == []
    later(env, 15)
    got = listed(env, "coordinator", queue="no_engagement")
    assert [(c["id"], c["due_on"]) for c in got] == [("T-POSS", "2026-07-16")]
    made = env.client.post("/api/engagement-reports", json={
        "referral_id": env.client.get("/api/referrals", headers=env.headers("provider"))
        .json()["items"][0]["id"], "reported_on": "2026-07-17",
        "engagement_status": "engaged"}, headers=env.headers("provider"))
    assert made.status_code == 201, made.text
    assert ids(env, "coordinator", queue="no_engagement") == []


def test_filters_by_vehicle_and_provider_and_the_export_carries_them(env: Env) -> None:
    referral(env)
    vehicle = listed(env, "coordinator", q="T-POSS")[0]["vehicle"]
    assert vehicle  # the screening named one
    same = listed(env, "coordinator", vehicle=vehicle)
    assert "T-POSS" in [c["id"] for c in same] and "T-PWID" not in [c["id"] for c in same]
    assert {c["vehicle"] for c in same} == {vehicle}
    assert ids(env, "coordinator", vehicle="treatment-court") == []
    assert ids(env, "coordinator", provider_id="prov-a") == ["T-POSS"]
    assert ids(env, "coordinator", provider_id="prov-b") == []
    page_login(env, "u-coordinator")
    exported = env.client.get("/cases.csv", params={"provider": "prov-a"}).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["case_id"], r["vehicle"]) for r in rows] == [("T-POSS", vehicle)]


def test_a_queue_the_role_does_not_work_is_refused_in_a_sentence(env: Env) -> None:
    refused = env.client.get("/api/cases", params={"queue": "unreviewed"},
                             headers=env.headers("coordinator"))
    assert refused.status_code == 403
    assert "does not work the 'unreviewed' queue" in refused.json()["error"]
    page_login(env, "u-coordinator")
    page = env.client.get("/cases", params={"queue": "unreviewed"})
    assert page.status_code == 403 and "does not work the" in page.text
    tabs = env.client.get("/cases").text
    assert "queue=offers_expiring" in tabs and "queue=unreviewed" not in tabs
    unknown = env.client.get("/cases", params={"queue": "everything"})
    assert unknown.status_code == 422 and "the queues are: unreviewed" in unknown.text
