"""Deny by default, checked from the published OpenAPI document: every route declares one
operation from the role × operation table, and every (role, operation) pair is exercised —
a role the table does not list gets 403 with the one error body; a listed role never does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI

from divert.cases import access
from divert.service.app import check_operations
from divert.service.deps import PUBLIC, SESSION

from .conftest import Env, assert_error

SAMPLE_PATH = {"case_id": "T-POSS", "referral_id": "999999", "consent_id": "999999",
               "provider_id": "prov-a", "user_id": "999999", "person_id": "p-none"}
SAMPLE_QUERY = {"case_id": "T-POSS"}
# Optional parameters set to a value the handler refuses at once (422): an allowed call then
# proves it passed the role check without computing a whole analytics report.
CHEAP_QUERY = {"policy": "no-such-policy", "baseline": "no-such-policy"}


def routed_operations(spec: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, operation, openapi operation object) for every documented route."""
    return [(method.upper(), path, op["x-operation"], op)
            for path, methods in spec["paths"].items() for method, op in methods.items()]


def call(env: Env, role: str, method: str, path: str, op: dict[str, Any]) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH[m.group(1)], path)
    params = {p["name"]: SAMPLE_QUERY[p["name"]] for p in op.get("parameters", ())
              if p["in"] == "query" and p.get("required")}
    params |= {p["name"]: CHEAP_QUERY[p["name"]] for p in op.get("parameters", ())
               if p["in"] == "query" and p["name"] in CHEAP_QUERY}
    kwargs: dict[str, Any] = {"params": params, "headers": env.headers(role)}
    if method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    return env.client.request(method, url, **kwargs)


def test_every_route_declares_an_operation_from_the_table(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    ops = {op for _, _, op, _ in routed_operations(spec)}
    assert ops <= set(access.OPERATIONS) | {PUBLIC, SESSION}
    public = sorted(f"{m} {p}" for m, p, op, _ in routed_operations(spec) if op == PUBLIC)
    assert public == ["POST /api/auth/login"]


def test_every_operation_in_the_table_has_a_route(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    routed = {op for _, _, op, _ in routed_operations(spec)}
    assert set(access.OPERATIONS) - routed == set()


def test_a_route_without_an_operation_stops_the_app_from_starting() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/forgotten")
    def forgotten() -> None: ...

    app.include_router(router)
    with pytest.raises(RuntimeError, match="forgotten"):
        check_operations(app)


@pytest.mark.parametrize("role", access.ROLES)
def test_each_role_gets_exactly_the_operations_the_table_lists(env: Env, role: str) -> None:
    spec = env.client.get("/openapi.json").json()
    wrong: list[str] = []
    pairs = 0
    for method, path, operation, op in routed_operations(spec):
        if operation in (PUBLIC, SESSION):
            continue
        pairs += 1
        response = call(env, role, method, path, op)
        allowed = access.is_allowed(role, operation)
        if allowed and response.status_code in (401, 403):
            wrong.append(f"{method} {path} ({operation}) refused: {response.text[:120]}")
        if not allowed:
            if response.status_code != 403:
                wrong.append(f"{method} {path} ({operation}) gave {response.status_code}")
            else:
                body = assert_error(response, 403)
                assert operation in body["error"]
    assert pairs >= 25
    assert wrong == []


@pytest.mark.parametrize("role", access.ROLES)
def test_pages_follow_the_same_table(env: Env, role: str) -> None:

    env.client.post("/login", data={
        "username": f"u-{role}", "password": "correct horse battery staple",
        "totp": env.code(f"u-{role}")}, follow_redirects=False)
    for method, url, operation in (("GET", "/cases", "cases.list"),
                                   ("GET", "/cases/T-POSS", "cases.read"),
                                   ("POST", "/cases/T-POSS/review", "reviews.create")):
        data = {"action": "confirm", "version": "0"} if method == "POST" else None
        response = env.client.request(method, url, data=data, follow_redirects=False)
        if access.is_allowed(role, operation):
            assert response.status_code in (200, 303, 422), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
            assert operation in response.text


def test_without_a_session_pages_redirect_to_login_and_the_api_says_401(env: Env) -> None:
    page = env.client.get("/cases/T-POSS", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert_error(env.client.get("/api/cases/T-POSS"), 401)
