"""The case page's later steps: a Part 2 consent recorded and revoked from the page, the case
closed (completed, failed, withdrawn) with a refusal that keeps what was typed, the person's
other cases, and a timeline that says every event in words with who and when."""

from __future__ import annotations

from .conftest import Env
from .test_pages_coordinator import version
from .test_pages_police import page_login
from .test_pages_provider import kinds, referral
from .test_providers_consent import _post

CONSENT = {"provider_id": "prov-a", "recipient_roles": ["charging_ada", "coordinator"],
           "kinds": ["engagement_status", "dates"], "purpose": "follow the diversion",
           "signed_on": "2026-07-02", "expires_on": "2026-12-31"}


def test_a_coordinator_records_a_consent_and_then_its_revocation(env: Env) -> None:
    referral(env)
    page_login(env, "u-coordinator")
    assert 'id="consent-form"' in env.client.get("/cases/T-POSS").text
    made = env.client.post("/cases/T-POSS/consents", data=CONSENT, follow_redirects=True)
    assert made.status_code == 200 and "The consent was recorded." in made.text
    assert "in force until 2026-12-31" in made.text
    assert "charging ada, coordinator" in made.text and "dates, engagement status" in made.text
    consent_id = env.client.get("/api/consents?case_id=T-POSS",
                                headers=env.headers("coordinator")).json()["items"][0]["id"]
    revoked = env.client.post(f"/cases/T-POSS/consents/{consent_id}/revoke",
                              data={"revoked_on": "2026-07-02"}, follow_redirects=True)
    assert "The revocation was recorded." in revoked.text
    assert "revoked on 2026-07-02" in revoked.text
    assert kinds(env)[-2:] == ["ConsentRecorded", "ConsentRevoked"]


def test_a_consent_that_names_a_clinical_kind_or_no_kind_is_refused_in_a_sentence(
        env: Env) -> None:
    referral(env)
    page_login(env, "u-coordinator")
    before = kinds(env)
    nothing = env.client.post("/cases/T-POSS/consents", data={**CONSENT, "kinds": []})
    assert nothing.status_code == 422
    assert "kinds: tick at least one kind of information" in nothing.text
    assert 'value="follow the diversion"' in nothing.text  # what was typed is kept
    clinical = env.client.post("/cases/T-POSS/consents", data={**CONSENT,
                                                               "kinds": ["diagnosis"]})
    assert clinical.status_code == 422 and "can never be disclosed" in clinical.text
    assert kinds(env) == before


def test_closing_a_failed_diversion_needs_a_reason_and_keeps_the_choice(env: Env) -> None:
    referral(env)
    page_login(env, "u-coordinator")
    page = env.client.get("/cases/T-POSS").text
    assert 'value="completed"' in page and 'value="returned_to_prosecution"' in page
    before = kinds(env)
    refused = env.client.post("/cases/T-POSS/close", data={
        "version": str(version(env)), "kind": "returned_to_prosecution"})
    assert refused.status_code == 422
    assert "Returning a case to prosecution needs a reason." in refused.text
    assert '<option value="returned_to_prosecution" selected>' in refused.text
    assert kinds(env) == before
    closed = env.client.post("/cases/T-POSS/close", follow_redirects=True, data={
        "version": str(version(env)), "kind": "returned_to_prosecution",
        "reason": "Did not attend the first three sessions."})
    assert "The case&#39;s outcome was recorded." in closed.text
    assert 'id="state">prosecution<' in closed.text
    # Only what the new state allows is offered: no completion after a failure.
    assert 'value="completed"' not in closed.text and 'value="disposed"' in closed.text


def test_a_completed_diversion_is_recorded_from_the_page(env: Env) -> None:
    referral(env)
    page_login(env, "u-coordinator")
    closed = env.client.post("/cases/T-POSS/close", follow_redirects=True, data={
        "version": str(version(env)), "kind": "completed", "on": "2026-07-02"})
    assert 'id="state">completed<' in closed.text
    assert "Diversion completed on 2026-07-02" in closed.text  # the timeline says it


def test_the_case_page_names_the_person_and_their_other_cases(env: Env) -> None:
    _post(env, "/api/cases", {"case_id": "T-LATER", "person_id": "p-1", "age": 30,
                              "filing_date": "2026-07-02", "charges": [{
                                  "as_written": "Use/Poss Of Drug Paraph",
                                  "citation": "35 § 780-113 §§ A32"}]}, "charging_ada")
    page_login(env, "u-charging_ada")
    page = env.client.get("/cases/T-POSS").text
    assert "Pseudonym <strong>p-1</strong> · age at filing 30" in page
    assert 'href="/cases/T-LATER">T-LATER</a>' in page
    alone = env.client.get("/cases/T-PWID").text
    assert "No other case of this person is stored." in alone


def test_the_timeline_says_each_event_with_who_did_it(env: Env) -> None:
    referral(env)
    page_login(env, "u-charging_ada")
    page = env.client.get("/cases/T-POSS").text
    timeline = page[page.index('id="timeline"'):]
    for sentence in ("Case filed on 2026-07-01: Int Poss Contr Subst By Per Not Reg",
                     "Screened under phl-dao-simple-possession", "Decision confirmed",
                     "Diversion offered, open until 2026-07-20", "Offer accepted on 2026-07-02",
                     "Referred to provider prov-a"):
        assert sentence in timeline
    assert "u-coordinator" in timeline and "u-supervisor" in timeline
    assert "OfferMade" not in timeline  # words, not event names
