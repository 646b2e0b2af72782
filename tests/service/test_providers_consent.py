"""Providers see only their own referrals and nothing about charges; DA staff see engagement
reports only under a recorded consent (42 CFR Part 2), each with the re-disclosure notice."""

from __future__ import annotations

from typing import Any

import pytest

from divert.cases.consent import rules

from .conftest import Env, assert_error


def _post(env: Env, url: str, body: dict[str, Any], role: str, case_id: str = "T-POSS") -> Any:
    version = env.client.get(f"/api/cases/{case_id}",
                             headers=env.headers("supervisor")).json()["version"]
    response = env.client.post(url, json=body,
                               headers=env.headers(role, **{"If-Match": str(version)}))
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture
def referred(env: Env) -> dict[str, Any]:
    """T-POSS diverted and referred to provider A, with one engagement report from A."""
    return make_referral(env)


def make_referral(env: Env) -> dict[str, Any]:
    """Review, offer, acceptance and referral of T-POSS to provider A, then A's report."""
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, "coordinator")
    referral: dict[str, Any] = _post(
        env, "/api/referrals", {"case_id": "T-POSS", "provider_id": "prov-a"}, "coordinator")
    report = env.client.post("/api/engagement-reports", headers=env.headers("provider"), json={
        "referral_id": referral["id"], "reported_on": "2026-07-02",
        "attendance": "attended 3 of 4", "engagement_status": "engaged",
        "dates": ["2026-07-02"]})
    assert report.status_code == 201, report.text
    return referral


def consent(env: Env, roles: list[str], kinds: list[str], expires: str = "2026-12-31",
            role: str = "provider") -> Any:
    return env.client.post("/api/consents", headers=env.headers(role), json={
        "case_id": "T-POSS", "provider_id": "prov-a", "recipient_roles": roles,
        "kinds": kinds, "purpose": "follow the diversion", "signed_on": "2026-07-02",
        "expires_on": expires})


def engagement(env: Env, role: str) -> dict[str, Any]:
    response = env.client.get("/api/cases/T-POSS/engagement", headers=env.headers(role))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_provider_lists_only_the_referrals_sent_to_it(env: Env, referred: dict[str, Any]
                                                        ) -> None:
    own = env.client.get("/api/referrals", headers=env.headers("provider")).json()
    assert [r["id"] for r in own["items"]] == [referred["id"]]
    env.usernames["provider"] = "u-provider-b"
    env.tokens.pop("provider", None)
    other = env.client.get("/api/referrals", headers=env.headers("provider")).json()
    asked = env.client.get("/api/referrals", params={"provider_id": "prov-a"},
                           headers=env.headers("provider")).json()
    assert other["items"] == [] and asked["items"] == []


def test_every_cross_provider_attempt_fails(env: Env, referred: dict[str, Any]) -> None:
    env.usernames["provider"] = "u-provider-b"
    env.tokens.pop("provider", None)
    b = env.headers("provider")
    assert_error(env.client.get(f"/api/referrals/{referred['id']}", headers=b), 403)
    assert_error(env.client.post("/api/engagement-reports", headers=b, json={
        "referral_id": referred["id"], "reported_on": "2026-07-11",
        "engagement_status": "not_engaged"}), 403)
    body = {"case_id": "T-POSS", "provider_id": "prov-a", "recipient_roles": ["charging_ada"],
            "kinds": ["attendance"], "purpose": "x", "signed_on": "2026-07-02",
            "expires_on": "2026-12-31"}
    assert_error(env.client.post("/api/consents", json=body, headers=b), 403)
    # T-POSS is not referred to B: to B it does not exist
    assert_error(env.client.get("/api/consents", params={"case_id": "T-POSS"}, headers=b), 404)
    assert_error(env.client.get("/api/cases/T-POSS", headers=b), 403)


def test_what_a_provider_sees_of_a_referral_has_no_charges_or_history(
    env: Env, referred: dict[str, Any]
) -> None:
    text = env.client.get(f"/api/referrals/{referred['id']}", headers=env.headers("provider")).text
    assert "charge" not in text.lower() and "780-113" not in text and "Poss" not in text


def test_without_a_consent_da_staff_see_no_report_under_consent(
    env: Env, referred: dict[str, Any]
) -> None:
    body = engagement(env, "charging_ada")
    assert body["items"] == [] and body["message"] == "no report under consent"


def test_a_consent_discloses_only_its_kinds_to_its_recipients_with_the_notice(
    env: Env, referred: dict[str, Any]
) -> None:
    assert consent(env, ["charging_ada"], ["attendance"]).status_code == 201
    [shown] = engagement(env, "charging_ada")["items"]
    assert shown["fields"] == {"attendance": "attended 3 of 4"}
    assert shown["notice"] == rules().notice and "42 CFR part 2" in shown["notice"]
    assert engagement(env, "coordinator")["items"] == []  # not a named recipient


def test_a_revoked_consent_discloses_nothing_from_the_revocation_day(
    env: Env, referred: dict[str, Any]
) -> None:
    made = consent(env, ["charging_ada"], ["attendance", "engagement_status"]).json()
    revoke = env.client.post(f"/api/consents/{made['id']}/revoke", json={},
                             headers=env.headers("provider", **{"If-Match": "1"}))
    assert revoke.status_code == 200, revoke.text
    assert engagement(env, "charging_ada")["message"] == "no report under consent"


def test_an_expired_consent_discloses_nothing(env: Env, referred: dict[str, Any]) -> None:
    assert consent(env, ["charging_ada"], ["dates"], expires="2026-07-05").status_code == 201
    assert engagement(env, "charging_ada")["items"]  # 2026-07-02: in force
    env.clock.advance(days=4)  # 2026-07-06
    env.tokens.clear()
    assert engagement(env, "charging_ada")["items"] == []


def test_diagnosis_can_never_be_consented_to(env: Env, referred: dict[str, Any]) -> None:
    body = assert_error(consent(env, ["charging_ada"], ["attendance", "diagnosis"]), 422)
    assert body["errors"][0]["loc"] == ["body", "kinds"]


def test_each_disclosure_is_audited(env: Env, referred: dict[str, Any]) -> None:
    consent(env, ["charging_ada"], ["attendance"])
    engagement(env, "charging_ada")
    log = env.client.get("/api/audit", params={"page_size": 200},
                         headers=env.headers("auditor")).json()["items"]
    disclosed = [e for e in log if e["action"] == "disclose"]
    assert disclosed and disclosed[-1]["actor"] == "u-charging_ada"
    assert disclosed[-1]["outcome"] == "ok"


def test_the_case_page_says_no_report_under_consent(env: Env, referred: dict[str, Any]) -> None:

    env.client.post("/login", data={"username": "u-charging_ada",
                                    "password": "correct horse battery staple",
                                    "totp": env.code("u-charging_ada")})
    page = env.client.get("/cases/T-POSS")
    assert "no report under consent" in page.text and "attended 3 of 4" not in page.text


def test_a_consent_ends_at_final_disposition(env: Env, referred: dict[str, Any]) -> None:
    assert consent(env, ["charging_ada"], ["attendance"]).status_code == 201
    assert engagement(env, "charging_ada")["items"]
    _post(env, "/api/cases/T-POSS/outcomes",
          {"kind": "returned_to_prosecution", "reason": "Stopped attending."}, "coordinator")
    _post(env, "/api/cases/T-POSS/outcomes",
          {"kind": "disposed", "disposition": "guilty plea", "on": "2026-07-02"}, "supervisor")
    env.clock.advance(days=1)
    env.tokens.clear()
    body = engagement(env, "charging_ada")
    assert body["items"] == [] and body["message"] == "no report under consent"


def test_the_case_page_shows_a_disclosure_with_its_notice(env: Env, referred: dict[str, Any]
                                                          ) -> None:

    assert consent(env, ["charging_ada"], ["attendance"]).status_code == 201
    env.client.post("/login", data={"username": "u-charging_ada",
                                    "password": "correct horse battery staple",
                                    "totp": env.code("u-charging_ada")})
    page = env.client.get("/cases/T-POSS").text
    assert "attendance: attended 3 of 4" in page and "engaged" not in page.split("Engagement")[1]
    assert "protected by Federal confidentiality rules" in page


def _consent_on(env: Env, case_id: str) -> Any:
    return env.client.post("/api/consents", headers=env.headers("provider"), json={
        "case_id": case_id, "provider_id": "prov-a", "recipient_roles": ["charging_ada"],
        "kinds": ["attendance"], "purpose": "x", "signed_on": "2026-07-02",
        "expires_on": "2026-12-31"})


def test_a_provider_cannot_write_on_a_case_never_referred_to_it(env: Env) -> None:
    """Red-team finding 2: a consent on any case answered 201 with the person's pseudonym
    and added an event; a 409 told the case's state, and 404 against 200 which ids exist."""
    events = env.client.get("/api/cases/T-PWID/events", headers=env.headers("supervisor"))
    before = events.json()["total"]
    real = assert_error(_consent_on(env, "T-PWID"), 404)
    invented = assert_error(_consent_on(env, "T-NO-SUCH-CASE"), 404)
    assert "p-2" not in str(real)
    # the same sentence for a real case and an invented one, up to the id it repeats
    assert real["error"].replace("T-PWID", "X") == invented["error"].replace("T-NO-SUCH-CASE", "X")
    after = env.client.get("/api/cases/T-PWID/events", headers=env.headers("supervisor"))
    assert after.json()["total"] == before
    listed = env.client.get("/api/consents", params={"case_id": "T-PWID"},
                            headers=env.headers("provider"))
    nowhere = env.client.get("/api/consents", params={"case_id": "T-NO-SUCH-CASE"},
                             headers=env.headers("provider"))
    assert listed.status_code == nowhere.status_code == 404


def test_a_provider_records_a_consent_on_a_case_referred_to_it(
    env: Env, referred: dict[str, Any]
) -> None:
    made = _consent_on(env, "T-POSS")
    assert made.status_code == 201, made.text
    assert made.json()["person_id"] == "p-1"
