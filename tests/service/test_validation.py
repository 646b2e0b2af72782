"""Dates checked against each other and against today, in the API and on the pages: each
refusal names the field, says in plain words what to do next, carries a code for programs,
writes nothing, and a page keeps what the user typed. The test clock reads 2026-07-02."""

from __future__ import annotations

from typing import Any

from .conftest import Env, assert_error
from .test_pages_coordinator import version
from .test_pages_police import page_login
from .test_pages_provider import kinds, referral
from .test_providers_consent import _post


def post(env: Env, url: str, body: dict[str, Any], role: str) -> Any:
    return env.client.post(url, json=body, headers=env.headers(
        role, **{"If-Match": str(version(env))}))


def refused(response: Any, status: int, field: str, code: str) -> str:
    body = assert_error(response, status)
    assert body["code"] == code
    assert [e["loc"] for e in body["errors"]] == [["body", field]]
    return str(body["error"])


def test_an_offer_that_would_already_have_expired_is_refused(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    before = kinds(env)
    said = refused(post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-01"},
                        "supervisor"), 422, "expires_on", "expiry_in_past")
    assert said == ("The offer would expire on 2026-07-01, which has passed (today is "
                    "2026-07-02); choose today or a later date.")
    assert kinds(env) == before
    assert post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-02"},
                "supervisor").status_code == 201  # expiring today still leaves today


def test_an_offer_is_not_accepted_after_it_expired(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-05"}, "supervisor")
    env.clock.advance(days=8)  # 2026-07-10
    env.tokens.clear()
    late = post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, "coordinator")
    said = refused(late, 422, "on", "offer_expired")
    assert "expired on 2026-07-05, so it cannot be accepted on 2026-07-10" in said
    assert "record it as expired, or make a new offer" in said
    in_time = post(env, "/api/cases/T-POSS/offer/answer",
                   {"answer": "accepted", "on": "2026-07-05"}, "coordinator")
    assert in_time.status_code == 201, in_time.text  # accepted on the last day, told late


def test_an_answer_is_not_dated_in_the_future_nor_before_the_offer(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    future = post(env, "/api/cases/T-POSS/offer/answer",
                  {"answer": "declined", "on": "2026-07-03"}, "coordinator")
    assert "is after today (2026-07-02)" in refused(future, 422, "on", "date_in_future")
    early = post(env, "/api/cases/T-POSS/offer/answer",
                 {"answer": "accepted", "on": "2026-06-30"}, "coordinator")
    said = refused(early, 422, "on", "date_out_of_order")
    assert "is before the day the offer was made (2026-07-02)" in said


def test_a_referral_is_not_dated_in_the_future_nor_before_the_case(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-20"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"}, "coordinator")
    body = {"case_id": "T-POSS", "provider_id": "prov-a"}
    future = post(env, "/api/referrals", {**body, "referred_on": "2026-07-09"}, "coordinator")
    refused(future, 422, "referred_on", "date_in_future")
    early = post(env, "/api/referrals", {**body, "referred_on": "2019-01-01"}, "coordinator")
    assert "before the case's filing or police contact" in refused(
        early, 422, "referred_on", "date_out_of_order")
    assert "ReferredToProvider" not in kinds(env)


def test_engagement_is_not_dated_before_the_referral_nor_in_the_future(env: Env) -> None:
    made = referral(env)  # referred on 2026-07-02
    url, provider = "/api/engagement-reports", env.headers("provider")
    base = {"referral_id": made["id"], "reported_on": "2026-07-02",
            "engagement_status": "engaged"}
    early = env.client.post(url, headers=provider, json={**base, "reported_on": "2026-06-30"})
    said = refused(early, 422, "reported_on", "date_out_of_order")
    assert said == ("The report date 2026-06-30 is before the referral to this provider "
                    "(2026-07-02); check the date and enter 2026-07-02 or later.")
    future = env.client.post(url, headers=provider, json={**base, "dates": ["2026-07-09"]})
    refused(future, 422, "dates", "date_in_future")
    assert "EngagementReported" not in kinds(env)
    fine = env.client.post(url, headers=provider, json={**base, "dates": ["2026-07-02"]})
    assert fine.status_code == 201, fine.text


def test_an_illegal_step_is_said_in_plain_words_with_the_code_kept_for_programs(
        env: Env) -> None:
    response = post(env, "/api/cases/T-POSS/offer/answer", {"answer": "accepted"},
                    "coordinator")
    body = assert_error(response, 409)
    assert body["error"].startswith("You cannot record the offer as accepted now: the case "
                                    "is screened and waiting for review. What can be done "
                                    "now: screen the case; confirm the decision; override "
                                    "the decision")
    assert "cannot apply" not in body["error"] and "SCREENED" not in body["error"]
    assert body["code"] == "illegal_transition"
    assert body["detail"].startswith("case T-POSS: cannot apply OfferAccepted in state "
                                     "SCREENED; allowed: ")


def test_a_second_referral_to_the_same_provider_names_the_field_and_what_to_do(
        env: Env) -> None:
    referral(env)
    again = post(env, "/api/referrals", {"case_id": "T-POSS", "provider_id": "prov-a"},
                 "coordinator")
    said = refused(again, 409, "provider_id", "duplicate_referral")
    assert said.startswith("Provider A (invented) already has an open referral of this "
                           "person for this case")
    assert "follow up on that referral, or choose another provider" in said


def test_the_offer_form_keeps_what_was_typed_and_says_what_to_do(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-coordinator")
    shown = env.client.post("/cases/T-POSS/offer", data={
        "version": str(version(env)), "expires_on": "2026-06-01", "terms": "90 days, weekly"})
    assert shown.status_code == 422
    text = shown.text.replace("&#39;", "'")
    assert "The offer would expire on 2026-06-01, which has passed" in text
    assert 'value="2026-06-01"' in text and "90 days, weekly</textarea>" in text
    assert "OfferMade" not in kinds(env)


def test_the_answer_form_says_an_expired_offer_cannot_be_accepted(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    _post(env, "/api/cases/T-POSS/offer", {"expires_on": "2026-07-02"}, "supervisor")
    env.clock.advance(days=3)
    env.tokens.clear()
    page_login(env, "u-coordinator")
    shown = env.client.post("/cases/T-POSS/offer/answer", data={
        "version": str(version(env)), "answer": "accepted", "on": "2026-07-04"})
    assert shown.status_code == 422
    assert "The offer expired on 2026-07-02, so it cannot be accepted on 2026-07-04" in \
        shown.text
    assert 'value="2026-07-04"' in shown.text


def test_the_provider_form_keeps_what_was_typed_and_says_what_to_do(env: Env) -> None:
    made = referral(env)
    page_login(env, "u-provider")
    shown = env.client.post(f"/referrals/{made['id']}/engagement", data={
        "engagement_status": "not_engaged", "reported_on": "2026-06-15",
        "attendance": "attended 0 of 2"})
    assert shown.status_code == 422
    assert "The report date 2026-06-15 is before the referral to this provider" in shown.text
    assert 'value="2026-06-15"' in shown.text and 'value="attended 0 of 2"' in shown.text
    assert '<option value="not_engaged" selected>' in shown.text


def test_the_referral_form_refuses_a_second_referral_and_keeps_the_choice(env: Env) -> None:
    referral(env)  # T-POSS is with provider A
    page_login(env, "u-coordinator")
    shown = env.client.post("/cases/T-POSS/refer", data={
        "version": str(version(env)), "provider_id": "prov-a", "referred_on": "2026-07-02"})
    assert shown.status_code == 409
    assert "Provider A (invented) already has an open referral of this person" in shown.text
    assert '<option value="prov-a" selected>' in shown.text
    assert 'name="referred_on" type="date" value="2026-07-02"' in shown.text
    assert kinds(env).count("ReferredToProvider") == 1
