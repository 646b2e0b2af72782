"""PAD referrals through the API and the officer's page: the offense, district and contact
history are recorded, every referral is screened under phl-pad (two chances: the third
contact is not diverted), an eligible one reaches the chosen provider, dates PAD cannot
cover are refused in a sentence, and incident numbers with '#' and '/' round-trip."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from divert.service import messages

from .conftest import Env, assert_error
from .test_pages_police import page_login

TODAY = "2026-07-02"  # the test clock's date (conftest.START)


def pad_body(incident: str, person: str = "p-pad", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"person_id": person, "incident_id": incident,
                            "contact_date": "2026-06-01", "offenses": ["possession"],
                            "police_district": 24, "provider_id": "prov-a"}
    return {**body, **extra}


def refer(env: Env, incident: str, **extra: Any) -> Any:
    return env.client.post("/api/pad-referrals", headers=env.headers("police"),
                           json=pad_body(incident, **extra))


def provider_cases(env: Env, role: str = "provider") -> list[str]:
    items = env.client.get("/api/referrals", headers=env.headers(role)).json()["items"]
    return [r["case_id"] for r in items]


def test_first_and_second_contacts_are_eligible_and_the_third_is_not(env: Env) -> None:
    first = refer(env, "INC-A1", contact_date="2026-05-01")
    second = refer(env, "INC-A2", contact_date="2026-05-20")
    third = refer(env, "INC-A3", contact_date="2026-06-10")
    for response in (first, second, third):
        assert response.status_code == 201, response.text
    one, two, three = first.json(), second.json(), third.json()
    assert (one["eligible"], one["outcome"], one["pad_contacts"]) == (True, "divert", 0)
    assert (two["eligible"], two["pad_contacts"], two["counted_from"]) == (
        True, 1, ["PAD-INC-A1"])
    assert two["says"].startswith("Eligible for PAD: you may refer the person.")
    assert three["eligible"] is False and three["outcome"] != "divert"
    assert three["pad_contacts"] == 2 and three["counted_from"] == ["PAD-INC-A1", "PAD-INC-A2"]
    assert three["says"].startswith("Not eligible for PAD:")
    third_rule = next(r for r in three["decision"]["rules"] if r["rule"] in
                      three["decision"]["because"])
    assert third_rule["clause"] == "3" and third_rule["says"] in three["says"]
    assert three["reason"] == third_rule["says"]  # the words come from the decision
    assert three["referral"] is None and "PAD-INC-A3" not in provider_cases(env)
    assert {"PAD-INC-A1", "PAD-INC-A2"} <= set(provider_cases(env))


def test_the_decision_and_the_contact_history_are_stored_with_the_referral(env: Env) -> None:
    refer(env, "INC-B1", contact_date="2026-05-01")
    assert refer(env, "INC-B2", police_district=7, offenses=["buying_from_a_person"]
                 ).status_code == 201
    ada = env.headers("charging_ada")
    case = env.client.get("/api/cases/PAD-INC-B2", headers=ada).json()
    assert case["stage"] == "pre_charge" and case["outcome"] == "divert"
    assert [c["citation"] for c in case["charges"]] == ["35 § 780-113 §§ A19"]
    stored = env.client.get("/api/cases/PAD-INC-B2/screenings", headers=ada).json()
    decision = stored["items"][-1]["decision"]
    assert decision["policy"]["id"] == "phl-pad" and decision["outcome"] == "divert"
    events = env.client.get("/api/cases/PAD-INC-B2/events", headers=ada).json()["items"]
    referred = events[0]["payload"]
    assert referred["police_district"] == 7 and referred["counted_from"] == ["PAD-INC-B1"]


def test_a_later_contact_recorded_first_does_not_count_against_an_earlier_one(
        env: Env) -> None:
    refer(env, "INC-C2", contact_date="2026-06-20")
    earlier = refer(env, "INC-C1", contact_date="2026-06-01").json()
    assert earlier["pad_contacts"] == 0 and earlier["counted_from"] == []


def test_other_people_do_not_count(env: Env) -> None:
    refer(env, "INC-D1", person="p-d1")
    refer(env, "INC-D2", person="p-d1")
    other = refer(env, "INC-D3", person="p-d2").json()
    assert other["eligible"] is True and other["pad_contacts"] == 0


def test_the_provider_sees_the_referral_on_its_list_and_its_page(env: Env) -> None:
    made = refer(env, "INC-E1").json()
    assert made["referral"]["provider_id"] == "prov-a"
    assert "PAD-INC-E1" in provider_cases(env)
    env.usernames["provider_b"] = "u-provider-b"
    assert "PAD-INC-E1" not in provider_cases(env, "provider_b")  # only the chosen one
    page_login(env, "u-provider")
    assert "PAD-INC-E1" in env.client.get("/referrals").text


def test_without_a_provider_nothing_is_sent_and_the_officer_is_told(env: Env) -> None:
    made = refer(env, "INC-E2", provider_id=None).json()
    assert made["eligible"] is True and made["referral"] is None
    assert "No provider was chosen" in made["says"]


def test_a_second_open_referral_to_the_same_provider_is_refused(env: Env) -> None:
    refer(env, "INC-F1")
    coord = env.headers("coordinator")
    version = env.client.get("/api/cases/PAD-INC-F1", headers=env.headers("charging_ada")
                             ).json()["version"]
    again = env.client.post("/api/referrals", headers={**coord, "If-Match": str(version)},
                            json={"case_id": "PAD-INC-F1", "provider_id": "prov-a"})
    body = assert_error(again, 409)
    assert "already has an open referral" in body["error"] and "do not refer again" in \
        body["error"]
    assert provider_cases(env).count("PAD-INC-F1") == 1
    other = env.client.post("/api/referrals", headers={**coord, "If-Match": str(version)},
                            json={"case_id": "PAD-INC-F1", "provider_id": "prov-b"})
    assert other.status_code == 201, other.text  # another provider is another referral


@pytest.mark.parametrize(("contact", "code", "sentence"), [
    ("2026-07-03", "date_in_future",
     f"The contact date 2026-07-03 is after today ({TODAY}); enter the date it happened"),
    # the bound is the first day of phl-pad's first version, not a date in the code
    ("2018-03-15", "before_program", "The contact date 2018-03-15 is before 2018-03-16, "
     "when Police Assisted Diversion began; check the date"),
    ("1999-01-04", "before_program", "The contact date 1999-01-04 is before 2018-03-16"),
])
def test_a_contact_date_pad_cannot_cover_is_refused_in_a_sentence(
        env: Env, contact: str, code: str, sentence: str) -> None:
    body = assert_error(refer(env, "INC-G1", contact_date=contact), 422)
    assert body["error"].startswith(sentence) and body["code"] == code
    assert body["errors"] == [{"loc": ["body", "contact_date"], "msg": body["error"]}]
    assert env.client.get("/api/cases/PAD-INC-G1",
                          headers=env.headers("charging_ada")).status_code == 404
    page_login(env, "u-police")
    shown = env.client.post("/pad", data={**pad_body("INC-G1"), "contact_date": contact})
    assert shown.status_code == 422 and sentence in shown.text.replace("&#39;", "'")
    assert f'value="{contact}"' in shown.text  # what the officer typed is kept


def test_the_launch_day_and_today_are_accepted(env: Env) -> None:
    # PAD launched in the 22nd District; elsewhere before 2024 the rollout date is not known.
    assert refer(env, "INC-G2", contact_date="2018-03-16",
                 police_district=22).json()["eligible"] is True
    assert refer(env, "INC-G3", contact_date=TODAY, person="p-g3").status_code == 201


def test_before_pad_was_citywide_another_district_is_not_called_eligible(env: Env) -> None:
    made = refer(env, "INC-G4", contact_date="2019-05-01", police_district=5,
                 person="p-g4").json()
    assert made["eligible"] is False
    assert made["outcome"] == "needs_review"
    assert made["says"].startswith("Ask the PAD supervisor before referring: District 5:")


@pytest.mark.parametrize(("field", "value", "sentence"), [
    ("offenses", [], messages.PAD_NO_OFFENSE),
    ("police_district", 40, messages.PAD_BAD_DISTRICT),
    ("police_district", 0, messages.PAD_BAD_DISTRICT),
])
def test_missing_offense_or_bad_district_is_refused_in_a_sentence(
        env: Env, field: str, value: Any, sentence: str) -> None:
    body = assert_error(refer(env, "INC-H1", **{field: value}), 422)
    assert sentence in body["error"]


def test_an_unknown_provider_is_refused_naming_the_known_ones(env: Env) -> None:
    body = assert_error(refer(env, "INC-H2", provider_id="prov-zz"), 422)
    assert "prov-a, prov-b" in body["error"] and "leave the provider empty" in body["error"]


def test_possession_with_paraphernalia_is_eligible(env: Env) -> None:
    made = refer(env, "INC-P1", offenses=["possession", "paraphernalia"]).json()
    assert made["eligible"] is True


def test_possession_with_paraphernalia_is_recorded_as_two_charges(env: Env) -> None:
    made = refer(env, "INC-P2", offenses=["paraphernalia", "possession"]).json()
    assert made["offenses"] == ["paraphernalia", "possession"]
    charges = env.client.get("/api/cases/PAD-INC-P2", headers=env.headers("charging_ada")
                             ).json()["charges"]
    assert [c["citation"] for c in charges] == ["35 § 780-113 §§ A16", "35 § 780-113 §§ A32"]


@pytest.mark.parametrize("incident", ["2026-24#117", "24/0117", "A%2FB 7?x"])
def test_incident_numbers_round_trip_exactly_in_the_api(env: Env, incident: str) -> None:
    made = refer(env, incident)
    assert made.status_code == 201, made.text
    assert made.json()["id"] == f"PAD-{incident}" and made.json()["incident_id"] == incident
    ada = env.headers("charging_ada")
    url = f"/api/cases/{quote(f'PAD-{incident}', safe='')}"
    case = env.client.get(url, headers=ada)
    assert case.status_code == 200, case.text
    assert case.json()["id"] == f"PAD-{incident}" and case.json()["incident_id"] == incident
    events = env.client.get(f"{url}/events", headers=ada)
    assert events.status_code == 200 and events.json()["items"][0]["kind"] == "PadReferred"
    assert f"PAD-{incident}" in provider_cases(env)


@pytest.mark.parametrize("incident", ["2026-24#117", "24/0117"])
def test_incident_numbers_round_trip_on_the_pages(env: Env, incident: str) -> None:
    page_login(env, "u-police")
    done = env.client.post("/pad", follow_redirects=False, data=pad_body(incident))
    assert done.status_code == 303, done.text
    case_id = f"PAD-{incident}"
    assert done.headers["location"] == f"/pad?done={quote(case_id, safe='')}"
    shown = env.client.get(done.headers["location"]).text
    assert f"Referral {case_id} recorded." in shown and "Eligible for PAD" in shown
    env.client.cookies.clear()
    page_login(env, "u-charging_ada")
    listing = env.client.get("/cases").text
    link = f'href="/cases/{quote(case_id, safe="")}"'
    assert link in listing  # the ADA's link is quoted...
    case_page = env.client.get(f"/cases/{quote(case_id, safe='')}")
    assert case_page.status_code == 200 and f"Case {case_id}" in case_page.text  # ...and live


def test_the_officer_sees_eligible_or_not_in_the_policys_words_on_the_page(env: Env) -> None:
    page_login(env, "u-police")
    for n in (1, 2, 3):
        response = env.client.post("/pad", follow_redirects=True, data={
            **pad_body(f"INC-W{n}", person="p-w"), "contact_date": f"2026-06-0{n}",
            "offenses": ["possession", "buying_from_a_person"]})
        assert response.status_code == 200, response.text
        result = response.text.split('id="pad-result"')[1].split("</p>")[0]
        if n < 3:
            assert "Eligible for PAD: you may refer the person." in result
            assert "Provider A (invented)" in result
        else:
            assert "Not eligible for PAD:" in result and "not sent to any provider" in result
            assert "already had 2 PAD contacts" in result  # the policy's own sentence
    recent = response.text.split("Your recent referrals")[1]
    assert "PAD-INC-W3</strong>" in recent and "not eligible" in recent
    assert "PAD-INC-W3" not in provider_cases(env)


def test_the_form_offers_the_offenses_and_the_district(env: Env) -> None:
    page_login(env, "u-police")
    form = env.client.get("/pad").text
    for value in ("possession", "buying_from_a_person", "paraphernalia", "retail_theft",
                  "prostitution"):
        assert f'name="offenses" value="{value}"' in form
    assert 'name="police_district" type="number"' in form and 'max="39"' in form


def test_the_form_refuses_no_offense_in_a_sentence_and_keeps_what_was_typed(env: Env) -> None:
    page_login(env, "u-police")
    data = {k: v for k, v in pad_body("INC-N1").items() if k != "offenses"}
    response = env.client.post("/pad", data=data)
    assert response.status_code == 422
    assert messages.PAD_NO_OFFENSE in response.text and 'value="INC-N1"' in response.text
