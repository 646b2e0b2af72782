"""Found by the schemathesis campaign on PostgreSQL (SQLite stores any length and NUL): a
charge grade longer than its column, a NUL character in a query string and a person id
longer than its column answered 500. Each is a 422 now, on both databases."""

from __future__ import annotations

from .conftest import Env, assert_error


def test_a_charge_field_longer_than_its_column_is_a_422_naming_it(env: Env) -> None:
    response = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-LONG", "person_id": "p-long", "filing_date": "2026-07-01",
        "charges": [{"as_written": "Int Poss Contr Subst By Per Not Reg",
                     "grade": "ABCDEFGHIJ"}]})
    body = assert_error(response, 422)
    assert body["errors"][0]["loc"][-1] == "grade"


def test_a_nul_character_in_a_query_is_never_a_server_error(env: Env) -> None:
    response = env.client.get("/api/referrals", params={"case_id": "T-\x00POSS"},
                              headers=env.headers("coordinator"))
    assert response.status_code in (200, 422), response.text  # SQLite: no match; PG: 422
    if response.status_code == 422:
        assert "NUL" in assert_error(response, 422)["error"]


def test_a_path_id_longer_than_its_column_is_never_a_server_error(env: Env) -> None:
    long_id = "p" + "x" * 300
    response = env.client.post(f"/api/people/{long_id}/seal",
                               json={"order": "court order 2026-123"},
                               headers=env.headers("administrator"))
    assert response.status_code < 500, response.text
    assert response.status_code in (404, 422), response.text
