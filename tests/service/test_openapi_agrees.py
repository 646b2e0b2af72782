"""Red-team finding 11: the OpenAPI document disagreed with the server. Malformed JSON, the
page-size limit, who may call what, the header rules and the 405 Allow list are checked here
against what the server really does."""

from __future__ import annotations

import re
from typing import Any

import pytest

from divert.cases import access

from .conftest import Env, assert_error

METHODS = ("get", "put", "post", "delete", "patch")


def _doc(env: Env) -> dict[str, Any]:
    doc: dict[str, Any] = env.client.get("/openapi.json").json()
    return doc


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_405_allows_exactly_the_methods_the_document_lists(env: Env) -> None:
    """`DELETE /api/cases` said "Allow: GET" though POST /api/cases works too."""
    checked = 0
    for path, item in _doc(env)["paths"].items():
        documented = sorted(m.upper() for m in METHODS if m in item)
        for method in METHODS:
            if method in item:
                continue
            response = env.client.request(method.upper(), _concrete(path))
            body = assert_error(response, 405)
            assert response.headers["allow"] == ", ".join(documented), (method, path)
            assert all(m in body["error"] for m in documented)
            checked += 1
    assert checked > 50


def test_malformed_json_is_the_documented_422_in_words(env: Env) -> None:
    op = _doc(env)["paths"]["/api/screen"]["post"]
    assert "422" in op["responses"] and "400" not in op["responses"]
    response = env.client.post("/api/screen", content=b'{"case_id": "X-1",',
                               headers={**env.headers("charging_ada"),
                                        "Content-Type": "application/json"})
    body = assert_error(response, 422)
    assert body["error"].startswith("body: is not valid JSON at character")


def test_the_page_size_limit_is_in_the_document_and_is_the_servers(env: Env) -> None:
    op = _doc(env)["paths"]["/api/cases"]["get"]
    size = next(p for p in op["parameters"] if p["name"] == "page_size")
    limit = size["schema"]["maximum"]
    assert limit == env.client.app.state.settings.max_page_size  # type: ignore[attr-defined]
    headers = env.headers("charging_ada")
    assert env.client.get("/api/cases", params={"page_size": limit},
                          headers=headers).status_code == 200
    assert_error(env.client.get("/api/cases", params={"page_size": limit + 1},
                                headers=headers), 422)


def test_every_operation_names_the_roles_that_may_call_it(env: Env) -> None:
    ops = [(path, method, item[method]) for path, item in _doc(env)["paths"].items()
           for method in METHODS if method in item]
    for path, method, op in ops:
        operation = op["x-operation"]
        if operation in ("public", "session"):
            continue
        expected = [r for r in access.ROLES if access.is_allowed(r, operation)]
        assert op["x-roles"] == expected, (method, path)
        assert ", ".join(expected) in op["description"], (method, path)
    review = _doc(env)["paths"]["/api/cases/{case_id}/reviews"]["post"]
    assert "provider" not in review["x-roles"] and "charging_ada" in review["x-roles"]
    # and the server agrees: a role outside the list is refused
    assert_error(env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                                 headers=env.headers("provider", **{"If-Match": "1"})), 403)


@pytest.mark.parametrize(("value", "status"), [
    ("abc", 422), ("1.5", 422), ("", 422), ("99999999999", 422),
])
def test_if_match_values_the_document_refuses_the_server_refuses(
    env: Env, value: str, status: int
) -> None:
    op = _doc(env)["paths"]["/api/cases/{case_id}/reviews"]["post"]
    param = next(p for p in op["parameters"] if p["name"] == "If-Match")
    pattern = param["schema"]["anyOf"][0]["pattern"]
    assert not re.search(pattern, value)
    response = env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                               headers=env.headers("supervisor", **{"If-Match": value}))
    assert_error(response, status)


def test_if_match_values_the_document_allows_are_read_as_versions(env: Env) -> None:
    op = _doc(env)["paths"]["/api/cases/{case_id}/reviews"]["post"]
    pattern = next(p for p in op["parameters"]
                   if p["name"] == "If-Match")["schema"]["anyOf"][0]["pattern"]
    version = env.client.get("/api/cases/T-POSS", headers=env.headers("supervisor")).json()[
        "version"]
    sent = f'W/"{version}"'
    assert re.search(pattern, sent)
    response = env.client.post("/api/cases/T-POSS/reviews", json={"action": "confirm"},
                               headers=env.headers("supervisor", **{"If-Match": sent}))
    assert response.status_code == 201, response.text


def test_an_idempotency_key_longer_than_documented_is_refused(env: Env) -> None:
    op = _doc(env)["paths"]["/api/providers"]["post"]
    key = next(p for p in op["parameters"] if p["name"] == "Idempotency-Key")
    longest = key["schema"]["anyOf"][0]["maxLength"]
    body = assert_error(env.client.post(
        "/api/providers", json={"id": "prov-k", "name": "K"},
        headers=env.headers("administrator", **{"Idempotency-Key": "k" * (longest + 1)})), 422)
    assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]


def test_a_body_of_bytes_that_are_no_text_is_the_documented_422(env: Env) -> None:
    """Found by the schemathesis campaign: FastAPI answered 400 "There was an error parsing
    the body", a status the document does not list."""
    response = env.client.post("/api/cases/T-POSS/offer", content=b"\x8f\x10\x7f",
                               headers={**env.headers("supervisor"),
                                        "Content-Type": "application/json"})
    body = assert_error(response, 422)
    assert body["errors"][0]["loc"] == ["body"] and "cannot be read" in body["error"]
