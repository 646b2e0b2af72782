"""The case page's bail block: the recommendation, the request and the court's bail side by
side, recorded through the page's own forms; a departure without a reason is refused there."""

from __future__ import annotations

from .conftest import PASSWORD, Env
from .test_pages import login


def _version(env: Env, case_id: str) -> str:
    return str(env.client.get(f"/api/cases/{case_id}",
                              headers=env.headers("charging_ada")).json()["version"])


def test_the_case_page_shows_recommendation_request_and_court_bail(env: Env) -> None:
    env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "BP-1", "person_id": "p-bp1", "filing_date": "2026-07-01", "age": 30,
        "charges": [{"as_written": "Retail Theft-Take Mdse", "grade": "M1"}],
        "fentanyl_evidence": False, "bench_warrants_5y": 0, "open_pwid_cases": 0})
    login(env)
    page = env.client.get("/cases/BP-1").text
    assert '<section id="bail">' in page
    assert "release on own recognizance (ROR)" in page and "No request recorded." in page
    refused = env.client.post("/cases/BP-1/bail/request", data={
        "version": _version(env, "BP-1"), "requested": "cash", "amount": "5000"})
    assert refused.status_code == 422
    assert "needs the approval of the unit supervisor, and then the District Attorney" in \
        refused.text
    asked = env.client.post("/cases/BP-1/bail/request", follow_redirects=True, data={
        "version": _version(env, "BP-1"), "requested": "unsecured", "amount": "1000"})
    assert asked.status_code == 200
    court = env.client.post("/cases/BP-1/bail/court", follow_redirects=True, data={
        "version": _version(env, "BP-1"), "bail_type": "cash", "amount": "2500"})
    assert court.status_code == 200
    row = court.text[court.text.index('<table class="bail-side-by-side">'):]
    row = row[:row.index("</table>")]
    assert "release on own recognizance (ROR)" in row
    assert "unsecured (sign-on-bond) $1,000, 2026-07-02, by u-charging_ada" in row
    assert "cash bail $2,500, 2026-07-02" in row


def test_the_forms_are_shown_only_to_roles_that_may_record_bail(env: Env) -> None:
    login(env)
    assert 'action="/cases/T-POSS/bail/request"' in env.client.get("/cases/T-POSS").text
    env.client.post("/login", data={"username": "u-coordinator", "password": PASSWORD,
                                    "totp": env.code("u-coordinator")})
    page = env.client.get("/cases/T-POSS").text
    assert '<section id="bail">' in page and "/bail/request" not in page


def test_a_recommendation_the_facts_cannot_settle_names_them_in_words(env: Env) -> None:
    env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "BP-2", "person_id": "p-bp2", "filing_date": "2026-07-01", "age": 30,
        "charges": [{"as_written": "Retail Theft-Take Mdse", "grade": "M1"}]})
    login(env)
    page = env.client.get("/cases/BP-2").text
    block = page[page.index('<section id="bail">'):page.index("</table>",
                                                              page.index('<section id="bail">'))]
    assert "Not known, so an ADA decides: " in block
    assert "whether there is evidence of fentanyl" in block
    assert "case.fentanyl_evidence" not in block  # words, not fact paths
