"""One error body everywhere: every kind of refusal the API gives has the same shape, a
sentence that says what to do, and a `loc` pointing at the offending field where there is one.
"""

from __future__ import annotations

from collections.abc import Iterator

from divert.service import messages

from .conftest import Env, assert_error


def test_401_without_credentials(env: Env) -> None:
    body = assert_error(env.client.get("/api/cases"), 401)
    assert body["error"] == messages.NOT_AUTHENTICATED


def test_403_for_a_role_the_table_does_not_list(env: Env) -> None:
    body = assert_error(env.client.get("/api/cases", headers=env.headers("analyst")), 403)
    assert body["error"] == messages.NOT_PERMITTED.format(role="analyst", operation="cases.list")


def test_404_for_an_unknown_case_and_an_unknown_address(env: Env) -> None:
    ada = env.headers("charging_ada")
    body = assert_error(env.client.get("/api/cases/NO-SUCH", headers=ada), 404)
    assert "NO-SUCH" in body["error"]
    body = assert_error(env.client.get("/api/nothing-here", headers=ada), 404)
    assert "/api/nothing-here" in body["error"]


def test_405_for_a_wrong_method(env: Env) -> None:
    assert_error(env.client.delete("/api/cases", headers=env.headers("charging_ada")), 405)


def test_409_for_an_illegal_transition_names_the_allowed_events(env: Env) -> None:
    headers = env.headers("supervisor", **{"If-Match": "3"})
    response = env.client.post("/api/cases/T-POSS/offer/answer", json={"answer": "accepted"},
                               headers=headers)
    body = assert_error(response, 409)
    assert body["error"].startswith("You cannot record the offer as accepted now")
    assert "confirm the decision" in body["error"]  # what can be done instead
    assert body["code"] == "illegal_transition"
    assert "OfferAccepted" in body["detail"] and "DecisionConfirmed" in body["detail"]


def test_412_for_a_stale_version_and_428_without_one(env: Env) -> None:
    ada = env.headers("charging_ada")
    body = assert_error(env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                                        headers={**ada, "If-Match": "1"}), 412)
    assert body["errors"][0]["loc"] == ["header", "If-Match"]
    body = assert_error(env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                                        headers=ada), 428)
    assert body["error"] == messages.IF_MATCH_REQUIRED


def test_413_for_a_body_over_the_limit(env: Env) -> None:
    big = {"case": {"charges": [{"as_written": "x" * 400}] * 3000}}
    body = assert_error(env.client.post("/api/screen", json=big,
                                        headers=env.headers("charging_ada")), 413)
    assert "1000000 bytes" in body["error"]


def test_422_points_at_the_offending_field(env: Env) -> None:
    response = env.client.post("/api/screen", headers=env.headers("charging_ada"), json={
        "case": {"filing_date": "2026-07-02", "charges": [{"as_written": ""}]}})
    body = assert_error(response, 422)
    assert body["errors"][0]["loc"] == ["body", "case", "charges", 0, "as_written"]


def test_422_for_an_idempotency_key_reused_with_another_body(env: Env) -> None:
    admin = env.headers("administrator", **{"Idempotency-Key": "k-1"})
    first = env.client.post("/api/providers", json={"id": "prov-c", "name": "C"}, headers=admin)
    assert first.status_code == 201
    body = assert_error(env.client.post("/api/providers", json={"id": "prov-d", "name": "D"},
                                        headers=admin), 422)
    assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]


def test_423_for_an_account_an_administrator_locked(env: Env) -> None:
    admin = env.headers("administrator")
    users = env.client.get("/api/users", headers=admin, params={"page_size": 50}).json()
    row = next(u for u in users["items"] if u["username"] == "u-police")
    env.client.patch(f"/api/users/{row['id']}", json={"lock": True},
                     headers={**admin, "If-Match": str(row["version"])})
    body = assert_error(env.login("u-police"), 423)
    assert body["error"] == messages.ACCOUNT_LOCKED


def test_429_with_retry_after_for_an_address_that_keeps_failing(env: Env) -> None:
    for _ in range(5):
        env.login("u-police", password="wrong password!", code="123456")
    refused = env.login("u-police", password="wrong password!", code="123456")
    body = assert_error(refused, 429)
    assert refused.headers["Retry-After"] == "60" and "60 seconds" in body["error"]


def test_page_size_over_200_is_refused_not_silently_cut(env: Env) -> None:
    body = assert_error(env.client.get("/api/cases", params={"page_size": 201},
                                       headers=env.headers("charging_ada")), 422)
    assert body["errors"][0]["loc"] == ["query", "page_size"]


def test_openapi_documents_the_error_body(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    responses = spec["paths"]["/api/cases/{case_id}/reviews"]["post"]["responses"]
    for status in ("401", "403", "409", "412", "428"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema["required"] == ["ok", "error", "errors", "status"]


def test_500_has_the_same_shape_and_no_traceback(db_url: str) -> None:
    from fastapi.testclient import TestClient

    from divert.service.app import create_app
    from divert.service.settings import Settings

    app = create_app(Settings(database_url=db_url))

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = assert_error(client.get("/boom"), 500)
    app.state.engine.dispose()
    assert body["error"] == messages.INTERNAL and "secret internals" not in str(body)


def test_a_refused_attempt_is_audited_as_denied(env: Env) -> None:
    assert_error(env.client.get("/api/cases/T-POSS", headers=env.headers("analyst")), 403)
    log = env.client.get("/api/audit", params={"page_size": 200},
                         headers=env.headers("auditor")).json()["items"]
    denied = [e for e in log if e["outcome"] == "denied" and e["actor"] == "u-analyst"]
    assert [(e["action"], e["resource"]) for e in denied] == [("cases.read", "/api/cases/T-POSS")]


def test_413_also_for_a_streamed_body_without_content_length(env: Env) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 100_000

    response = env.client.post("/api/screen", content=chunks(), headers={
        **env.headers("charging_ada"), "content-type": "application/json"})
    assert_error(response, 413)
