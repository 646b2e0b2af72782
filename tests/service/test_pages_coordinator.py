"""The coordinator's forms on the case page: offer, answer, referral to a provider, through
the same lifecycle as the API; an illegal step shows the IllegalTransition sentence and
nothing is written; roles without the operation get the refusal page."""

from __future__ import annotations

import pytest

from divert.cases.access import ROLES, is_allowed

from .conftest import Env
from .test_pages_police import page_login
from .test_pages_provider import kinds
from .test_providers_consent import _post


def version(env: Env, case_id: str = "T-POSS") -> int:
    got: int = env.client.get(f"/api/cases/{case_id}",
                              headers=env.headers("charging_ada")).json()["version"]
    return got


def test_a_coordinator_offers_records_acceptance_and_refers(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    assert page_login(env, "u-coordinator") == "/cases"
    page = env.client.get("/cases/T-POSS").text
    assert 'id="offer-form"' in page  # reviewed: an offer is the next step
    assert 'id="refer-form"' not in page and 'id="answer-form"' not in page  # not yet
    assert 'id="review"' not in page  # a coordinator does not review decisions
    made = env.client.post("/cases/T-POSS/offer", follow_redirects=True, data={
        "version": str(version(env)), "expires_on": "2026-07-20", "terms": "90 days"})
    assert made.status_code == 200 and "The offer was recorded." in made.text
    env.clock.advance(days=2)  # 2026-07-04: the answer and the referral are not in the future
    env.tokens.clear()  # sessions idle two days have ended: log in again
    env.client.cookies.clear()
    page_login(env, "u-coordinator")
    answered = env.client.post("/cases/T-POSS/offer/answer", follow_redirects=True, data={
        "version": str(version(env)), "answer": "accepted", "on": "2026-07-03"})
    assert "The answer to the offer was recorded." in answered.text
    referred = env.client.post("/cases/T-POSS/refer", follow_redirects=True, data={
        "version": str(version(env)), "provider_id": "prov-a", "referred_on": "2026-07-04"})
    assert "The referral to the provider was recorded." in referred.text
    assert kinds(env)[-3:] == ["OfferMade", "OfferAccepted", "ReferredToProvider"]
    env.client.cookies.clear()
    page_login(env, "u-provider")
    assert "2026-07-04" in env.client.get("/referrals").text


def test_an_illegal_step_shows_the_sentence_and_writes_nothing(env: Env) -> None:
    page_login(env, "u-coordinator")
    before = kinds(env)
    response = env.client.post("/cases/T-POSS/offer/answer", data={
        "version": str(version(env)), "answer": "accepted"})
    assert response.status_code == 409
    # plain words, not "cannot apply OfferAccepted in state SCREENED; allowed: …"
    assert "You cannot record the offer as accepted now: the case is" in response.text
    assert "cannot apply" not in response.text
    assert kinds(env) == before
    refused = env.client.post("/cases/T-POSS/refer", data={
        "version": str(version(env)), "provider_id": "prov-a"})
    assert refused.status_code == 409 and "You cannot refer to a provider now" in refused.text
    assert kinds(env) == before


def test_a_stale_version_is_refused_and_writes_nothing(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-coordinator")
    before = kinds(env)
    response = env.client.post("/cases/T-POSS/offer", data={
        "version": str(version(env) - 1), "expires_on": "2026-07-20"})
    assert response.status_code == 409 and 'role="alert"' in response.text
    assert kinds(env) == before


def test_a_bad_date_names_the_field(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-coordinator")
    response = env.client.post("/cases/T-POSS/offer", data={
        "version": str(version(env)), "expires_on": "soon"})
    assert response.status_code == 422 and "expires_on:" in response.text


FORMS = (("/cases/T-POSS/offer", "offers.create"),
         ("/cases/T-POSS/offer/answer", "offers.update"),
         ("/cases/T-POSS/refer", "referrals.create"),
         ("/cases/T-POSS/consents", "consents.create"),
         ("/cases/T-POSS/consents/1/revoke", "consents.revoke"),
         ("/cases/T-POSS/close", "outcomes.create"))


@pytest.mark.parametrize(("role", "path", "operation"), [
    (role, path, op) for path, op in FORMS for role in ROLES if not is_allowed(role, op)])
def test_roles_without_the_operation_get_the_refusal_page(env: Env, role: str, path: str,
                                                          operation: str) -> None:
    page_login(env, f"u-{role}")
    before = kinds(env)
    response = env.client.post(path, data={
        "version": "1", "expires_on": "2026-07-20", "answer": "accepted",
        "provider_id": "prov-a", "purpose": "follow", "signed_on": "2026-07-02",
        "kinds": "dates", "kind": "completed"})
    assert response.status_code == 403
    assert f"Your role &#39;{role}&#39; may not perform &#39;{operation}&#39;." in response.text
    assert kinds(env) == before


def test_the_case_page_shows_only_the_forms_the_role_may_use(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-charging_ada")
    page = env.client.get("/cases/T-POSS").text
    assert 'id="offer-form"' not in page and 'id="refer-form"' not in page
    env.client.cookies.clear()
    page_login(env, "u-supervisor")
    page = env.client.get("/cases/T-POSS").text
    assert 'id="offer-form"' in page and 'id="refer-form"' not in page


def test_the_case_page_offers_only_the_step_the_case_is_at(env: Env) -> None:
    page_login(env, "u-coordinator")
    screened = env.client.get("/cases/T-POSS").text  # not reviewed yet: nothing to offer
    assert not any(f'id="{f}-form"' in screened for f in ("offer", "answer", "refer"))
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    offered = env.client.get("/cases/T-POSS").text
    assert 'id="answer-form"' in offered
    assert 'id="offer-form"' not in offered and 'id="refer-form"' not in offered
