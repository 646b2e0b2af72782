"""The police (PAD) page: an officer refers a person before any charge from a phone-sized
form and sees their own recent referrals; every role without pad.create gets the refusal."""

from __future__ import annotations

import pytest

from divert.cases.access import ROLES, is_allowed

from .conftest import PASSWORD, Env

OFFENSE = {"offenses": "possession", "police_district": "24"}  # the fewest fields to submit


def page_login(env: Env, username: str) -> str:
    """Log in through the form; returns where the browser is sent."""
    response = env.client.post("/login", follow_redirects=False, data={
        "username": username, "password": PASSWORD,
        "totp": env.code(username)})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_an_officer_lands_on_the_pad_form_and_it_fits_a_phone(env: Env) -> None:
    assert page_login(env, "u-police") == "/pad"
    page = env.client.get("/pad").text
    assert 'name="viewport" content="width=device-width' in page
    assert 'class="stack big"' in page and 'type="date"' in page
    assert 'href="/pad"' in page and 'href="/cases"' not in page  # only what police may do
    assert "You have recorded no PAD referrals yet." in page


def test_a_pad_referral_is_recorded_like_the_api_and_listed_as_the_officers_own(
        env: Env) -> None:
    page_login(env, "u-police")
    response = env.client.post("/pad", follow_redirects=True, data={
        "incident_id": "INC-900", "person_id": "p-77", "contact_date": "2026-07-01",
        "offenses": ["possession"], "police_district": "24", "provider_id": "prov-a"})
    assert response.status_code == 200
    assert "Referral PAD-INC-900 recorded." in response.text
    assert "PAD-INC-900" in response.text.split("Your recent referrals")[1]
    case = env.client.get("/api/cases/PAD-INC-900", headers=env.headers("charging_ada")).json()
    assert case["state"] == "pad_referred" and case["incident_id"] == "INC-900"
    events = env.client.get("/api/cases/PAD-INC-900/events",
                            headers=env.headers("charging_ada")).json()["items"]
    assert [e["kind"] for e in events] == ["PadReferred", "Screened", "ReferredToProvider"]
    assert events[0]["actor"] == "u-police"


def test_a_referral_made_through_the_api_is_listed_on_the_page(env: Env) -> None:
    response = env.client.post("/api/pad-referrals", headers=env.headers("police"), json={
        "case_id": "PAD-X", "person_id": "p-70", "incident_id": "INC-X",
        "contact_date": "2026-07-01", "offenses": ["possession"], "police_district": 3})
    assert response.status_code == 201
    page_login(env, "u-police")
    recent = env.client.get("/pad").text.split("Your recent referrals")[1]
    assert "<strong>PAD-X</strong>" in recent and "T-POSS" not in recent  # only PAD cases


def test_another_officers_referrals_are_not_listed(env: Env) -> None:
    made = env.client.post("/api/users", headers=env.headers("administrator"), json={
        "username": "u-police-2", "password": PASSWORD, "role": "police"})
    assert made.status_code == 201, made.text
    env.secrets["u-police-2"] = made.json()["totp_secret"]
    page_login(env, "u-police-2")
    assert env.client.post("/pad", data={"incident_id": "INC-OTHER", "person_id": "p-71",
                                         "contact_date": "2026-07-01", **OFFENSE}
                           ).status_code == 200
    env.client.cookies.clear()
    page_login(env, "u-police")
    assert "PAD-INC-OTHER" not in env.client.get("/pad").text


def test_a_repeated_incident_is_refused_on_the_form_and_nothing_more_is_written(
        env: Env) -> None:
    page_login(env, "u-police")
    data = {"incident_id": "INC-5", "person_id": "p-5", "contact_date": "2026-07-01", **OFFENSE}
    assert env.client.post("/pad", data=data).status_code == 200
    again = env.client.post("/pad", data={**data, "person_id": "p-6"})
    assert again.status_code == 409
    assert "was already referred (case" in again.text and "do not refer it again" in again.text
    assert 'value="p-6"' in again.text  # the form is kept
    assert again.text.count("<strong>PAD-INC-5</strong>") == 1


def test_a_bad_date_names_the_field(env: Env) -> None:
    page_login(env, "u-police")
    response = env.client.post("/pad", data={
        "incident_id": "INC-6", "person_id": "p-6", "contact_date": "07/01/2026", **OFFENSE})
    assert response.status_code == 422 and "contact_date:" in response.text
    assert env.client.get("/api/cases/PAD-INC-6",
                          headers=env.headers("charging_ada")).status_code == 404


@pytest.mark.parametrize("role", [r for r in ROLES if not is_allowed(r, "pad.create")])
def test_every_other_role_gets_the_refusal_page(env: Env, role: str) -> None:
    page_login(env, f"u-{role}")
    for response in (env.client.get("/pad"),
                     env.client.post("/pad", data={"incident_id": "INC-7", "person_id": "p",
                                                   "contact_date": "2026-07-01"})):
        assert response.status_code == 403
        assert f"Your role &#39;{role}&#39; may not perform &#39;pad.create&#39;." in response.text
    assert env.client.get("/api/cases/PAD-INC-7",
                          headers=env.headers("charging_ada")).status_code == 404


def test_without_a_session_the_page_sends_the_browser_to_login(env: Env) -> None:
    response = env.client.get("/pad", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
