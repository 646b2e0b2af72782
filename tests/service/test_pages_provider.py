"""The provider page: a provider sees only the referrals sent to it, with what the provider
API shows and nothing about charges or history, and reports engagement from a fixed list;
another provider's referral is refused and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from divert.cases.access import ROLES, is_allowed

from .conftest import Env
from .test_pages_police import page_login
from .test_providers_consent import _post


def referral(env: Env) -> dict[str, Any]:
    """T-POSS confirmed, offered, accepted and referred to provider A (no report yet)."""
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, "coordinator")
    made: dict[str, Any] = _post(
        env, "/api/referrals", {"case_id": "T-POSS", "provider_id": "prov-a"}, "coordinator")
    return made


def kinds(env: Env) -> list[str]:
    events = env.client.get("/api/cases/T-POSS/events",
                            headers=env.headers("charging_ada")).json()["items"]
    return [e["kind"] for e in events]


def test_a_provider_sees_its_referral_without_charges(env: Env) -> None:
    made = referral(env)
    assert page_login(env, "u-provider") == "/referrals"
    page = env.client.get("/referrals").text
    row = page.split(f'id="referral-{made["id"]}"')[1].split("</tr>")[0]
    assert "p-1" in row and "2026-07-02" in row and "T-POSS" in row
    assert "Int Poss" not in page and "780-113" not in page  # no charge, no citation
    assert 'href="/cases"' not in page and 'href="/referrals"' in page
    assert 'name="engagement_status"' in page


def test_a_provider_reports_engagement_from_the_fixed_list(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider")
    response = env.client.post(f"/referrals/{made['id']}/engagement", follow_redirects=True,
                               data={"engagement_status": "engaged",
                                     "reported_on": "2026-07-02",
                                     "attendance": "attended 3 of 4"})
    assert response.status_code == 200
    assert f"Engagement report on referral {made['id']} recorded." in response.text
    assert kinds(env)[-1] == "EngagementReported"


def test_a_status_off_the_list_is_refused_and_nothing_is_written(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider")
    before = kinds(env)
    response = env.client.post(f"/referrals/{made['id']}/engagement", data={
        "engagement_status": "relapsed", "reported_on": "2026-07-02"})
    assert response.status_code == 422 and "engagement_status:" in response.text
    assert kinds(env) == before


def test_another_provider_never_sees_or_reports_on_the_referral(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider-b")
    page = env.client.get("/referrals").text
    assert "0 referrals." in page and "p-1" not in page and f"referral-{made['id']}" not in page
    before = kinds(env)
    response = env.client.post(f"/referrals/{made['id']}/engagement", data={
        "engagement_status": "engaged", "reported_on": "2026-07-02"})
    assert response.status_code == 403
    assert "a provider sees and acts only on referrals sent to it" in response.text
    assert kinds(env) == before


def test_an_unknown_referral_is_a_404_page(env: Env) -> None:
    page_login(env, "u-provider")
    response = env.client.post("/referrals/999/engagement", data={
        "engagement_status": "engaged", "reported_on": "2026-07-02"})
    assert response.status_code == 404 and "No referral with id &#39;999&#39;." in response.text


@pytest.mark.parametrize("role", [r for r in ROLES if not is_allowed(r, "referrals.read")])
def test_roles_that_may_not_read_referrals_get_the_refusal_page(env: Env, role: str) -> None:
    page_login(env, f"u-{role}")
    response = env.client.get("/referrals")
    assert response.status_code == 403
    assert f"Your role &#39;{role}&#39; may not perform &#39;referrals.read&#39;." in response.text
    assert 'href="/referrals"' not in env.client.get("/").text


@pytest.mark.parametrize("role", [r for r in ROLES if not is_allowed(r, "engagement.create")])
def test_only_a_provider_may_report_engagement(env: Env, role: str) -> None:
    made = referral(env)
    page_login(env, f"u-{role}")
    before = kinds(env)
    response = env.client.post(f"/referrals/{made['id']}/engagement", data={
        "engagement_status": "engaged", "reported_on": "2026-07-02"})
    assert response.status_code == 403
    assert "engagement.create" in response.text
    assert kinds(env) == before
    if is_allowed(role, "referrals.read"):
        assert 'name="engagement_status"' not in env.client.get("/referrals").text


def test_a_provider_records_the_persons_consent_on_its_own_referral_only(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider")
    assert f'action="/referrals/{made["id"]}/consent"' in env.client.get("/referrals").text
    before = kinds(env)
    none = env.client.post(f"/referrals/{made['id']}/consent", data={
        "purpose": "follow the diversion", "signed_on": "2026-07-02",
        "expires_on": "2026-12-31", "recipient_roles": ["coordinator"]})
    assert none.status_code == 422 and "tick at least one kind" in none.text
    done = env.client.post(f"/referrals/{made['id']}/consent", follow_redirects=True, data={
        "purpose": "follow the diversion", "signed_on": "2026-07-02",
        "expires_on": "2026-12-31", "recipient_roles": ["coordinator"],
        "kinds": ["engagement_status"]})
    assert f"Consent on referral {made['id']} recorded." in done.text
    assert kinds(env) == [*before, "ConsentRecorded"]
    env.client.cookies.clear()
    page_login(env, "u-provider-b")
    other = env.client.post(f"/referrals/{made['id']}/consent", data={
        "purpose": "x", "signed_on": "2026-07-02", "expires_on": "2026-12-31",
        "recipient_roles": ["coordinator"], "kinds": ["dates"]})
    assert other.status_code in (403, 404)  # another provider's referral: nothing written
    assert kinds(env) == [*before, "ConsentRecorded"]


def test_a_provider_revokes_a_consent_from_its_referrals_page(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider")
    env.client.post(f"/referrals/{made['id']}/consent", data={
        "purpose": "follow the diversion", "signed_on": "2026-07-02",
        "expires_on": "2026-12-31", "recipient_roles": ["coordinator"], "kinds": ["dates"]})
    page = env.client.get("/referrals").text
    assert "in force until 2026-12-31" in page
    consent_id = int(page.split('action="/consents/')[1].split("/")[0])
    done = env.client.post(f"/consents/{consent_id}/revoke", follow_redirects=True)
    assert f"Consent {consent_id} revoked" in done.text and "revoked on 2026-07-02" in done.text
    assert kinds(env)[-1] == "ConsentRevoked"
    again = env.client.post(f"/consents/{consent_id}/revoke")
    assert again.status_code == 409 and "already revoked" in again.text
    env.client.cookies.clear()
    page_login(env, "u-provider-b")
    other = env.client.post(f"/consents/{consent_id}/revoke")
    assert other.status_code in (403, 404)
