"""Letters for the person and their lawyer: the decision letter says the decision in effect
in plain words with each charge, the deciding clause and its source, and the vehicle's
conditions; the offer letter its deadline and terms; both print to PDF through Chromium."""

from __future__ import annotations

from .conftest import Env
from .test_pages_police import page_login
from .test_pages_provider import referral
from .test_providers_consent import _post


def test_the_decision_letter_of_a_diverted_case_names_vehicle_clause_and_source(
        env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-charging_ada")
    case_page = env.client.get("/cases/T-POSS").text
    assert 'href="/cases/T-POSS/letter/decision"' in case_page
    assert "letter/offer" not in case_page  # no offer made yet
    letter = env.client.get("/cases/T-POSS/letter/decision")
    assert letter.status_code == 200
    text = letter.text
    assert "to divert the case to treatment instead of prosecuting it" in text
    assert "reviewed and confirmed the screening" in text
    screening = env.client.get("/api/cases/T-POSS/screenings",
                               headers=env.headers("charging_ada")).json()["items"][-1]
    vehicle = screening["decision"]["vehicle"]
    assert vehicle and "How the diversion works" in text
    deciding = [r for r in screening["decision"]["rules"]
                if r["rule"] in screening["decision"]["because"] and r["truth"] == "true"]
    for rule in deciding:
        assert f"Clause {rule['clause']}." in text
    assert "Source: " in text or "This office&#39;s assumption: " in text
    assert "Int Poss Contr Subst By Per Not Reg" in text  # the charge as filed
    assert "p-1" in text and "<nav" not in text.split("<main>")[1]  # a letter, not the app


def test_a_case_overridden_to_prosecute_gets_a_letter_saying_so_with_the_reason(
        env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {
        "action": "override", "outcome": "prosecute",
        "reason": "The person asked for trial."}, "supervisor")
    page_login(env, "u-district_attorney")
    version = env.client.get("/api/cases/T-POSS",
                             headers=env.headers("district_attorney")).json()["version"]
    env.client.post("/cases/T-POSS/approval", data={"decision": "approve",
                                                    "version": str(version)})
    text = env.client.get("/cases/T-POSS/letter/decision").text
    assert "<strong>to prosecute the case as charged</strong>" in text
    assert "“The person asked for trial.”" in text
    assert "How the diversion works" not in text


def test_the_offer_letter_needs_an_offer_and_then_gives_deadline_and_terms(env: Env) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-coordinator")
    none = env.client.get("/cases/T-POSS/letter/offer")
    assert none.status_code == 409 and "No offer has been made on case T-POSS" in none.text
    referral(env)  # offered until 2026-07-20, accepted, referred
    text = env.client.get("/cases/T-POSS/letter/offer").text
    assert "This offer is open until <strong>2026-07-20</strong>" in text
    assert "never diagnosis or clinical notes" in text
    assert env.client.get("/cases/T-POSS/letter/summons").status_code == 404


def test_roles_that_cannot_read_the_case_get_no_letter(env: Env) -> None:
    page_login(env, "u-analyst")
    refused = env.client.get("/cases/T-POSS/letter/decision")
    assert refused.status_code == 403


def test_a_letter_prints_to_pdf(env: Env, chromium_path: str) -> None:
    _post(env, "/api/cases/T-POSS/reviews", {"action": "confirm"}, "supervisor")
    page_login(env, "u-charging_ada")
    pdf = env.client.get("/cases/T-POSS/letter/decision.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="decision-letter-T-POSS.pdf"' in pdf.headers["content-disposition"]
    assert b"/Type /Page" in pdf.content
