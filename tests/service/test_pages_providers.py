"""The administrator adds treatment providers from the accounts page, through the API's
checks; a taken id or a malformed one is refused in a sentence with the form kept."""

from __future__ import annotations

from .conftest import Env
from .test_pages_police import page_login


def test_an_administrator_adds_a_provider_that_coordinators_can_then_refer_to(
        env: Env) -> None:
    page_login(env, "u-administrator")
    page = env.client.get("/users").text
    assert 'id="provider-form"' in page and "Provider A (invented)" in page
    added = env.client.post("/providers", data={"id": "riverside-2", "name": "Riverside (invented)",
                                                "services": "outpatient", "capacity": "40"})
    assert added.status_code == 200 and "Provider riverside-2 was added." in added.text
    listed = env.client.get("/api/providers", headers=env.headers("coordinator")).json()
    assert {"id": "riverside-2", "name": "Riverside (invented)"}.items() <= next(
        p for p in listed["items"] if p["id"] == "riverside-2").items()


def test_a_taken_or_malformed_id_is_refused_with_the_form_kept(env: Env) -> None:
    page_login(env, "u-administrator")
    taken = env.client.post("/providers", data={"id": "prov-a", "name": "Again"})
    assert taken.status_code == 409 and "already exists" in taken.text
    assert 'value="Again"' in taken.text
    bad = env.client.post("/providers", data={"id": "Has Spaces", "name": "X"})
    assert bad.status_code == 422
    assert "id: use lower-case letters, digits and dashes" in bad.text


def test_only_a_role_allowed_to_add_providers_may(env: Env) -> None:
    page_login(env, "u-coordinator")
    refused = env.client.post("/providers", data={"id": "x-1", "name": "X"})
    assert refused.status_code == 403
