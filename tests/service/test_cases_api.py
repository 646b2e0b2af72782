"""Cases over the API: pages with totals, the outcome filter, audited reads, ad-hoc screening
with whole sentences, review (an override never edits the stored decision), If-Match and
Idempotency-Key."""

from __future__ import annotations

from typing import Any

from .conftest import Env, assert_error

POSSESSION = "Int Poss Contr Subst By Per Not Reg"


def case(env: Env, case_id: str) -> dict[str, Any]:
    response = env.client.get(f"/api/cases/{case_id}", headers=env.headers("charging_ada"))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert response.headers["ETag"] == f'"{body["version"]}"'
    return body


def test_the_case_list_pages_with_a_total_and_filters_by_outcome(env: Env) -> None:
    ada = env.headers("charging_ada")
    first = env.client.get("/api/cases", params={"page_size": 2}, headers=ada).json()
    second = env.client.get("/api/cases", params={"page_size": 2, "page": 2}, headers=ada).json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    ids = {c["id"] for c in first["items"] + second["items"]}
    assert ids == {"T-POSS", "T-PWID", "T-PARA"}
    prosecute = env.client.get("/api/cases", params={"outcome": "prosecute"}, headers=ada).json()
    assert [c["id"] for c in prosecute["items"]] == ["T-PWID"]
    assert prosecute["items"][0]["outcome"] == "prosecute"


def test_reading_a_case_is_audited_and_only_the_auditor_reads_the_audit_log(env: Env) -> None:
    case(env, "T-POSS")
    log = env.client.get("/api/audit", params={"page_size": 200},
                         headers=env.headers("auditor")).json()
    reads = [e for e in log["items"] if e["action"] == "read" and e["resource"] == "cases/T-POSS"]
    assert reads and reads[-1]["actor"] == "u-charging_ada" and reads[-1]["person_id"] == "p-1"
    again = env.client.get("/api/audit", params={"page_size": 200},
                           headers=env.headers("auditor")).json()
    assert any(e["resource"] == "audit_log" and e["actor"] == "u-auditor"
               for e in again["items"])  # reading the log is itself audited
    assert env.client.get("/api/audit/verify", headers=env.headers("auditor")).json()["ok"]


def test_ad_hoc_screening_returns_the_decision_with_its_sentences(env: Env) -> None:
    response = env.client.post("/api/screen", headers=env.headers("charging_ada"), json={
        "case": {"filing_date": "2026-07-02", "age": 30, "person": {"open_diversions": 0},
                 "charges": [{"as_written": POSSESSION, "drug": "heroin", "grade": "M"}]}})
    decision = response.json()
    assert response.status_code == 200
    assert decision["outcome"] == "divert" and decision["because"] == ["possession-section-18"]
    assert decision["vehicle"] == "section-18"
    assert [c["disposition"] for c in decision["charges"]] == ["diverted"]
    assert decision["policy"]["id"] == "phl-dao-simple-possession"
    assert decision["policy"]["version"] == 3
    fired = [r for r in decision["rules"] if r["outcome"]]
    assert [(r["clause"], r["rule"]) for r in fired] == [("2.1", "possession-section-18")]


def test_ad_hoc_screening_never_assumes_an_adult_or_a_clean_record(env: Env) -> None:
    response = env.client.post("/api/screen", headers=env.headers("charging_ada"), json={
        "case": {"filing_date": "2026-07-02", "charges": [{"as_written": POSSESSION}]}})
    decision = response.json()
    assert decision["outcome"] == "needs_review"
    assert {"case.age", "person.open_diversions"} <= set(decision["unknowns"])


def test_ad_hoc_screening_under_an_unknown_policy_names_the_known_ones(env: Env) -> None:
    body = assert_error(env.client.post("/api/screen", headers=env.headers("charging_ada"), json={
        "policy_id": "no-such-policy",
        "case": {"filing_date": "2026-07-02", "charges": [{"as_written": POSSESSION}]}}), 422)
    assert "phl-dao-simple-possession" in body["error"]
    assert body["errors"][0]["loc"] == ["body", "policy_id"]


def test_an_override_is_recorded_and_the_stored_decision_is_unchanged(env: Env) -> None:
    ada = env.headers("charging_ada")
    before = env.client.get("/api/cases/T-POSS/screenings", headers=ada).json()
    version = case(env, "T-POSS")["version"]
    response = env.client.post("/api/cases/T-POSS/reviews", headers={**ada, "If-Match": str(
        version)}, json={"action": "override", "outcome": "prosecute",
                         "reason": "Officer safety issue noted in the affidavit."})
    assert response.status_code == 201
    assert response.json()["state"] == "reviewed"
    after = env.client.get("/api/cases/T-POSS/screenings", headers=ada).json()
    assert after == before  # the Decision is stored verbatim, never edited
    events = env.client.get("/api/cases/T-POSS/events", headers=ada).json()["items"]
    assert events[-1]["kind"] == "DecisionOverridden"
    assert events[-1]["payload"]["reason"] == "Officer safety issue noted in the affidavit."
    assert events[-1]["payload"]["by"] == "u-charging_ada"


def test_an_offer_on_a_case_overridden_to_prosecute_is_refused_once_approved(env: Env) -> None:
    ada, da = env.headers("charging_ada"), env.headers("district_attorney")
    env.client.post("/api/cases/T-POSS/reviews", headers={
        **ada, "If-Match": str(case(env, "T-POSS")["version"])}, json={
        "action": "override", "outcome": "prosecute",
        "reason": "Officer safety issue noted in the affidavit."})
    waiting = case(env, "T-POSS")
    assert (waiting["outcome"], waiting["machine_outcome"], waiting["pending_approval"]) == (
        "divert", "divert", "district_attorney")  # the clause's override_approval
    offer = {"expires_on": "2026-08-01", "terms": "90 days"}
    body = assert_error(env.client.post("/api/cases/T-POSS/offer", json=offer, headers=env.headers(
        "coordinator", **{"If-Match": str(waiting["version"])})), 409)
    assert "waiting for approval by the district attorney" in body["error"]
    supervisor = assert_error(env.client.post("/api/cases/T-POSS/reviews/approval", json={
        "decision": "approve"}, headers=env.headers("supervisor", **{
            "If-Match": str(waiting["version"])})), 403)
    assert "does not hold" in supervisor["error"]
    approved = env.client.post("/api/cases/T-POSS/reviews/approval", json={
        "decision": "approve"}, headers={**da, "If-Match": str(waiting["version"])})
    assert approved.status_code == 201
    now = approved.json()
    assert (now["outcome"], now["decided_by"], now["pending_approval"]) == (
        "prosecute", "u-charging_ada", None)
    body = assert_error(env.client.post("/api/cases/T-POSS/offer", json=offer, headers=env.headers(
        "coordinator", **{"If-Match": str(now["version"])})), 409)
    assert "the decision in effect is prosecute (an override by u-charging_ada)" in body["error"]
    listed = env.client.get("/api/cases", params={"outcome": "prosecute"}, headers=ada).json()
    assert "T-POSS" in [c["id"] for c in listed["items"]]


def test_an_override_without_a_written_reason_is_refused(env: Env) -> None:
    version = case(env, "T-POSS")["version"]
    body = assert_error(env.client.post(
        "/api/cases/T-POSS/reviews", json={"action": "override", "outcome": "prosecute"},
        headers=env.headers("charging_ada", **{"If-Match": str(version)})), 422)
    assert body["errors"][0]["loc"] == ["body", "reason"]


def test_two_writers_from_the_same_version_cannot_both_win(env: Env) -> None:
    version = case(env, "T-PARA")["version"]
    headers = env.headers("charging_ada", **{"If-Match": str(version)})
    first = env.client.post("/api/cases/T-PARA/screenings", headers=headers)
    assert first.status_code == 201  # re-screened: the case moved to a new version
    second = env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                             headers=headers)
    assert_error(second, 412)  # no lost update: the reviewer must reload what changed
    kinds = [e["kind"] for e in env.client.get(
        "/api/cases/T-PARA/events", headers=env.headers("charging_ada")).json()["items"]]
    assert "DecisionConfirmed" not in kinds


def test_the_same_idempotency_key_and_body_replays_without_a_second_write(env: Env) -> None:
    version = case(env, "T-PARA")["version"]
    headers = env.headers("charging_ada", **{"If-Match": str(version), "Idempotency-Key": "r-1"})
    first = env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                            headers=headers)
    again = env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                            headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    kinds = [e["kind"] for e in env.client.get(
        "/api/cases/T-PARA/events", headers=env.headers("charging_ada")).json()["items"]]
    assert kinds.count("DecisionConfirmed") == 1


def test_filing_a_case_by_hand_screens_it_at_once(env: Env) -> None:
    response = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-NEW", "person_id": "p-9", "filing_date": "2026-07-02", "age": 30,
        "charges": [{"as_written": POSSESSION, "citation": "35 § 780-113 §§ A16",
                     "drug": "heroin", "grade": "M"}]})
    assert response.status_code == 201, response.text
    assert response.json()["outcome"] == "divert" and response.json()["state"] == "screened"


def test_the_full_path_from_review_to_completion(env: Env) -> None:
    sup, coord = env.headers("supervisor"), env.headers("coordinator")

    def post(url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        version = case(env, "T-POSS")["version"]
        response = env.client.post(url, json=body, headers={**headers, "If-Match": str(version)})
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    post("/api/cases/T-POSS/reviews", {"action": "confirm"}, sup)
    post("/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, sup)
    post("/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, coord)
    referral = post("/api/referrals", {"case_id": "T-POSS", "provider_id": "prov-a"}, coord)
    assert set(referral) == {"id", "case_id", "person_id", "provider_id", "referred_on",
                             "status", "version"}
    done = post("/api/cases/T-POSS/outcomes", {"kind": "completed"}, coord)
    assert done["state"] == "completed"


def test_the_audit_log_pages_through_one_persons_entries(env: Env) -> None:
    for _ in range(3):
        case(env, "T-PWID")  # person p-2
    auditor = env.headers("auditor")
    first = env.client.get("/api/audit", params={"person_id": "p-2", "page_size": 2},
                           headers=auditor).json()
    second = env.client.get("/api/audit", params={"person_id": "p-2", "page_size": 2, "page": 2},
                            headers=auditor).json()
    assert first["total"] >= 4
    assert second["total"] == first["total"] + 1  # the first read of the log was audited too
    seqs = [e["seq"] for e in first["items"] + second["items"]]
    assert len(seqs) == 4 and seqs == sorted(set(seqs))
    assert all(e["person_id"] == "p-2" for e in first["items"] + second["items"])


def test_a_pad_referral_comes_first_and_the_later_filing_sees_it(env: Env) -> None:
    pad = env.client.post("/api/pad-referrals", headers=env.headers("police"), json={
        "case_id": "PAD-1", "person_id": "p-7", "incident_id": "INC-77",
        "contact_date": "2026-06-20", "offenses": ["possession"], "police_district": 24,
        "provider_id": "prov-a"})
    assert pad.status_code == 201, pad.text
    body = pad.json()
    assert (body["id"], body["state"], body["incident_id"]) == ("PAD-1", "pad_referred", "INC-77")
    assert body["eligible"] is True
    filed = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-AFTER-PAD", "person_id": "p-7", "filing_date": "2026-07-02",
        "incident_id": "INC-77", "charges": [{"as_written": POSSESSION}]})
    assert filed.status_code == 201, filed.text
    assert filed.json()["pad_referred"] is True


def test_a_refused_write_stores_no_idempotency_key_so_its_retry_runs(env: Env) -> None:
    """The key is stored in the business write's transaction: a write refused (412 here)
    leaves no key behind, so the corrected retry with the same key runs, once."""
    version = case(env, "T-PARA")["version"]
    stale = env.headers("charging_ada", **{"If-Match": str(version - 1), "Idempotency-Key": "k"})
    assert_error(env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                                 headers=stale), 412)
    fresh = env.headers("charging_ada", **{"If-Match": str(version), "Idempotency-Key": "k"})
    retried = env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                              headers=fresh)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    replayed = env.client.post("/api/cases/T-PARA/reviews", json={"action": "confirm"},
                               headers=fresh)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == retried.json()


def test_the_case_list_searches_and_sorts_as_the_page_does(env: Env) -> None:
    ada = env.headers("charging_ada")
    found = env.client.get("/api/cases", params={"q": "INTENT TO DELIVER"}, headers=ada).json()
    assert [c["id"] for c in found["items"]] == ["T-PWID"]
    ordered = env.client.get("/api/cases", params={"sort": "case_id"}, headers=ada).json()
    ids = [c["id"] for c in ordered["items"]]
    assert ids == sorted(ids) and len(ids) == ordered["total"] == 3
    body = assert_error(env.client.get("/api/cases", params={"state": "sleeping"},
                                       headers=ada), 422)
    assert body["errors"][0]["loc"] == ["query", "state"]
