"""Sealing a person's records (expungement, issue item 6): after an administrator seals them
on a court order, with the approval the permissions table names, no role reads those cases —
not in lists, not by id, not in analytics — while the person's other records stay as they
were, and the auditor still reads in the audit log what was done."""

from __future__ import annotations

from typing import Any

import pytest

from divert.cases.access import is_allowed

from .conftest import Env, assert_error

CASE_READERS = [r for r in ("charging_ada", "supervisor", "district_attorney", "coordinator")
                if is_allowed(r, "cases.read")]


def seal(env: Env, person: str = "p-1", **body: Any) -> Any:
    payload = {"order": "Order of expungement (invented)", "approved_by": "u-district_attorney",
               **body}
    return env.client.post(f"/api/people/{person}/seal", json=payload,
                           headers=env.headers("administrator"))


def funnel_cases(env: Env) -> int:
    body = env.client.get("/api/analytics/funnel", headers=env.headers("analyst")).json()
    return int(body["data"]["cases"])


def test_a_sealed_persons_cases_are_gone_for_every_role_but_the_auditors_log(env: Env) -> None:
    analysed_before = funnel_cases(env)
    sealed = seal(env)
    assert sealed.status_code == 201, sealed.text
    assert sealed.json()["sealed_cases"] == ["T-POSS"]
    assert CASE_READERS
    for role in CASE_READERS:
        assert_error(env.client.get("/api/cases/T-POSS", headers=env.headers(role)), 404)
        assert_error(env.client.get("/api/cases/T-POSS/events", headers=env.headers(role)), 404)
        listed = env.client.get("/api/cases", headers=env.headers(role)).json()["items"]
        assert "T-POSS" not in [c["id"] for c in listed] and listed, role
        assert env.client.get("/api/cases/T-PARA", headers=env.headers(role)).status_code == 200
        found = env.client.get("/api/cases", params={"q": "p-1"},
                               headers=env.headers(role)).json()["items"]
        assert found == [], role
    assert funnel_cases(env) == analysed_before - 1
    log = env.client.get("/api/audit", params={"person_id": "p-1", "page_size": 200},
                         headers=env.headers("auditor"))
    assert log.status_code == 200
    entries = log.json()["items"]
    assert any(e["action"] == "seal" and e["actor"] == "u-administrator" for e in entries)
    assert any(e["resource"] == "cases/T-POSS" for e in entries)  # what happened before


@pytest.mark.parametrize("role", ["charging_ada", "supervisor", "district_attorney",
                                  "coordinator", "provider", "police", "analyst", "auditor"])
def test_no_other_role_may_seal(env: Env, role: str) -> None:
    response = env.client.post("/api/people/p-1/seal", headers=env.headers(role), json={
        "order": "x", "approved_by": "u-district_attorney"})
    assert_error(response, 403)


def test_sealing_needs_the_named_approval_of_another_account(env: Env) -> None:
    assert_error(seal(env, approved_by=None), 422)
    assert_error(seal(env, approved_by="u-supervisor"), 422)  # holds no seal approval
    assert_error(seal(env, approved_by="nobody"), 422)
    assert_error(seal(env, person="p-unknown"), 404)
    assert env.client.get("/api/cases/T-POSS",
                          headers=env.headers("charging_ada")).status_code == 200
