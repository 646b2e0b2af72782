"""POST /api/screen/batch: up to 1,000 ad-hoc cases in one request, each answered by its
index (a refused case never drops the others), more than the limit refused naming it, the
same permission as POST /api/screen, nothing stored."""

from __future__ import annotations

from typing import Any

from divert.service.schemas.screen import SCREEN_BATCH_LIMIT

from .conftest import Env, assert_error

POSS = {"filing_date": "2026-07-02", "charges": [
    {"as_written": "Int Poss Contr Subst By Per Not Reg"}]}


def _batch(env: Env, cases: list[Any], role: str = "charging_ada") -> Any:
    return env.client.post("/api/screen/batch", headers=env.headers(role),
                           json={"cases": cases})


def test_each_case_is_answered_by_its_index_and_a_refusal_drops_nothing(env: Env) -> None:
    single = env.client.post("/api/screen", headers=env.headers("charging_ada"),
                             json={"case": POSS}).json()
    cases = [POSS, {"charges": []}, {**POSS, "filing_date": "1990-01-01"}, POSS]
    response = _batch(env, cases)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["screened"], body["refused"]) == (2, 2)
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    assert [r["ok"] for r in body["results"]] == [True, False, False, True]
    assert body["results"][0]["decision"]["outcome"] == single["outcome"]
    assert body["results"][1]["errors"][0]["loc"][:4] == ["body", "cases", 1, "charges"]
    assert "charges" in body["results"][1]["error"]
    assert body["results"][2]["errors"][0]["loc"] == ["body", "cases", 2, "filing_date"]


def test_more_than_the_limit_is_refused_naming_it(env: Env) -> None:
    assert _batch(env, [POSS] * SCREEN_BATCH_LIMIT).status_code == 200
    body = assert_error(_batch(env, [POSS] * (SCREEN_BATCH_LIMIT + 1)), 413)
    assert "1,000" in body["error"] and "1,001" in body["error"]
    assert_error(_batch(env, []), 422)


def test_same_permission_as_screen_and_documented(env: Env) -> None:
    assert_error(_batch(env, [POSS], role="provider"), 403)
    assert_error(env.client.post("/api/screen", headers=env.headers("provider"),
                                 json={"case": POSS}), 403)
    op = env.client.get("/openapi.json").json()["paths"]["/api/screen/batch"]["post"]
    assert op["x-operation"] == "screenings.create" and "413" in op["responses"]
    body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = env.client.get("/openapi.json").json()["components"]["schemas"][body]
    assert schema["properties"]["cases"]["maxItems"] == SCREEN_BATCH_LIMIT
    assert schema["properties"]["cases"]["items"] == {"$ref": "#/components/schemas/CaseIn"}
