"""The proposal on stored cases: the what-if is shown beside the live decision (API and
case page, labelled, with its policy version, status and assumptions) and filters the list,
and never replaces the decision."""

from __future__ import annotations

from typing import Any

from divert.cases.access import Actor
from divert.policy.load import load_policies
from divert.store import whatif
from divert.store.db import make_engine, make_sessionmaker

from .conftest import Env
from .test_pages_police import page_login

PROPOSAL_ID = "phl-dao-simple-possession"


def screen_proposal(url: str) -> None:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        whatif.screen_what_if(session, Actor("import", "administrator", "cli"),
                              load_policies()[PROPOSAL_ID])
    engine.dispose()


def cases(env: Env, **query: Any) -> dict[str, str | None]:
    got = env.client.get("/api/cases", params=query, headers=env.headers("charging_ada"))
    assert got.status_code == 200, got.text
    return {c["id"]: c["outcome"] for c in got.json()["items"]}


def test_the_api_lists_what_the_proposal_would_divert_and_keeps_the_decision(
        env: Env, db_url: str) -> None:
    assert cases(env, proposal="divert") == {}  # nothing screened as a what-if yet
    before = cases(env)
    screen_proposal(db_url)
    assert cases(env) == before  # the live outcomes did not move
    would = cases(env, proposal="divert")
    assert "T-POSS" in would and "T-PWID" not in would
    shown = env.client.get("/api/cases/T-POSS/what-ifs", headers=env.headers("charging_ada"))
    item = shown.json()["items"][0]
    latest = load_policies()[PROPOSAL_ID].latest()
    assert (item["label"], item["policy_id"], item["policy_version"], item["policy_status"],
            item["assumptions"], item["outcome"]) == (
        "proposal", PROPOSAL_ID, latest.version, latest.status, [], "divert")
    assert item["says"]  # the deciding rule's sentence
    missing = env.client.get("/api/cases/NOPE/what-ifs", headers=env.headers("charging_ada"))
    assert missing.status_code == 404


def test_the_case_page_shows_the_what_if_labelled_beside_the_decision(
        env: Env, db_url: str) -> None:
    page_login(env, "u-charging_ada")
    assert "What if: under the proposal" not in env.client.get("/cases/T-POSS").text
    screen_proposal(db_url)
    page = env.client.get("/cases/T-POSS").text
    latest = load_policies()[PROPOSAL_ID].latest()
    assert "What if: under the proposal" in page
    assert f"Under {PROPOSAL_ID} version {latest.version} ({latest.status})" in page
    assert "Assumptions: none." in page and "A what-if, not a decision" in page


def test_the_case_list_filters_on_would_divert_under_the_proposal(
        env: Env, db_url: str) -> None:
    screen_proposal(db_url)
    page_login(env, "u-charging_ada")
    listed = env.client.get("/cases", params={"proposal": "divert"}).text
    assert 'name="proposal" value="divert" checked' in listed
    assert "that would be <strong>divert</strong> under the proposal" in listed
    assert "/cases/T-POSS" in listed and "/cases/T-PWID" not in listed
    assert env.client.get("/cases", params={"proposal": "maybe"}).status_code == 422
