"""The pages: login sets a strict cookie, the case list filters by outcome, the case page shows
each fired rule as "clause N — sentence" with the full trace behind "why?", and the review
form records an override with its reason."""

from __future__ import annotations

import csv
import io

from .conftest import PASSWORD, Env


def login(env: Env, username: str = "u-charging_ada") -> None:
    response = env.client.post("/login", follow_redirects=False, data={
        "username": username, "password": PASSWORD,
        "totp": env.code(username)})
    assert response.status_code == 303 and response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_a_wrong_login_stays_on_the_form_with_the_reason(env: Env) -> None:
    response = env.client.post("/login", data={"username": "u-charging_ada",
                                               "password": "nope nope nope", "totp": "000000"})
    assert response.status_code == 401
    assert "Username, password or one-time code is wrong." in response.text


def test_the_case_list_filters_by_outcome(env: Env) -> None:
    login(env)
    everything = env.client.get("/cases").text
    assert "3 cases" in everything and "T-PWID" in everything and "T-POSS" in everything
    diverted = env.client.get("/cases", params={"outcome": "divert"}).text
    assert "T-POSS" in diverted and "T-PWID" not in diverted


def test_the_case_page_shows_fired_rules_as_clause_sentences_and_the_trace(env: Env) -> None:
    login(env)
    page = env.client.get("/cases/T-PWID").text
    assert "clause 2.3 — " in page
    assert "is possession with intent to deliver" in page
    assert "<summary>why?</summary>" in page
    assert "possession-section-18" in page  # a rule that did not fire appears in the trace
    assert "/static/htmx.min.js" in page


def test_an_override_waits_for_a_supervisor_then_counts_everywhere(env: Env) -> None:
    login(env)
    version = env.client.get("/api/cases/T-PWID", headers=env.headers("charging_ada")).json()[
        "version"]
    response = env.client.post("/cases/T-PWID/review", follow_redirects=True, data={
        "action": "override", "outcome": "divert", "version": str(version),
        "reason": "Quantity is consistent with personal use."})
    assert response.status_code == 200
    assert "Your review was recorded" in response.text
    assert ("<td>u-charging_ada</td><td>Decision overridden to divert: Quantity is consistent "
            "with personal use. (waits for the supervisor&#39;s approval)</td>") in response.text
    assert "Decision in effect: <span class=\"outcome-prosecute\">prosecute" in response.text
    assert "clause 2.3 — " in response.text  # the stored decision is still shown as it was
    assert "T-PWID" not in env.client.get("/cases", params={"outcome": "divert"}).text

    login(env, "u-supervisor")
    queue = env.client.get("/cases", params={"queue": "approvals"}).text
    assert "T-PWID" in queue and "T-POSS" not in queue
    version = env.client.get("/api/cases/T-PWID", headers=env.headers("supervisor")).json()[
        "version"]
    response = env.client.post("/cases/T-PWID/approval", follow_redirects=True, data={
        "decision": "approve", "version": str(version)})
    assert "Decision in effect: <span class=\"outcome-divert\">divert" in response.text
    assert "<td>u-supervisor</td><td>Review approved</td>" in response.text
    assert "T-PWID" in env.client.get("/cases", params={"outcome": "divert"}).text


def test_a_failed_override_keeps_what_the_ada_chose(env: Env) -> None:
    login(env)
    response = env.client.post("/cases/T-PWID/review", data={
        "action": "override", "outcome": "decline", "version": "3", "reason": "short"})
    assert response.status_code == 422
    assert "An override needs a written reason" in response.text
    assert '<input type="radio" name="action" value="override" checked>' in response.text
    assert '<option value="decline" selected>' in response.text
    assert ">short</textarea>" in response.text


def test_a_list_page_that_does_not_exist_is_explained_not_dumped(env: Env) -> None:
    login(env)
    for bad in ("0", "abc", "-1"):
        response = env.client.get("/cases", params={"page": bad})
        assert response.status_code == 422 and "pages are numbered from 1" in response.text
        assert response.headers["content-type"].startswith("text/html")
    past = env.client.get("/cases", params={"page": "9999"}, follow_redirects=False)
    assert past.status_code == 303 and past.headers["location"] == "/cases?page=1"


def test_htmx_is_served_locally(env: Env) -> None:
    response = env.client.get("/static/htmx.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]


def test_a_rule_that_held_but_was_overridden_is_marked_as_such(env: Env) -> None:
    login(env)
    response = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-MIX", "person_id": "p-8", "filing_date": "2026-07-02", "age": 30,
        "charges": [
            {"as_written": "Manufacture, Delivery, or Possession With Intent to Manufacture "
                           "or Deliver", "citation": "35 § 780-113 §§ A30"},
            {"as_written": "Int Poss Contr Subst By Per Not Reg",
             "citation": "35 § 780-113 §§ A16"}]})
    assert response.json()["outcome"] == "prosecute"
    page = env.client.get("/cases/T-MIX").text
    deciding = page.split("clause 2.3 — ")[1].split("</li>")[0]
    assert "takes precedence" not in deciding
    assert "(held, but another rule takes precedence)" in page


def test_pages_and_api_answers_are_never_cached_or_framed(env: Env) -> None:
    login(env)
    for response in (env.client.get("/cases/T-POSS"),
                     env.client.get("/api/cases/T-POSS", headers=env.headers("charging_ada"))):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_the_openapi_page_loads_swagger_ui_from_this_server(env: Env) -> None:
    page = env.client.get("/docs")
    assert page.status_code == 200 and "/static/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert env.client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_an_unknown_case_is_a_404_page(env: Env) -> None:
    login(env)
    response = env.client.get("/cases/NO-SUCH")
    assert response.status_code == 404 and "No case with id &#39;NO-SUCH&#39;." in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_the_case_page_names_the_vehicle_each_charge_and_what_would_change(env: Env) -> None:
    login(env)
    page = env.client.get("/cases/T-POSS").text
    assert 'divert</span> via <span class="vehicle">Section 18</span>' in page
    vehicle = page.split('<details id="vehicle" open>')[1].split("</details>")[0]
    assert "35 P.S. § 780-118" in vehicle and "Source: " in vehicle  # what it is, sourced
    assert "This vehicle names no bar." in vehicle  # §18 has none in vehicles.yaml
    charges = page.split('<ul class="dispositions">')[1].split("</ul>")[0]
    assert "35 P.S. § 780-113(a)(16): <strong>diverted</strong>" in charges
    changes = page.split('<ul id="changes">')[1].split("</ul>")[0]
    # computed by the same rules: an open diversion would send it to a supervisor
    assert "<li>If the person&#39;s open diversions were 1: needs review</li>" in changes
    assert "person.open_diversions" not in page.split('id="why"')[0]  # words, not paths


def test_the_list_searches_ids_and_charge_words_and_filters_by_state_and_date(
    env: Env,
) -> None:
    login(env)
    by_words = env.client.get("/cases", params={"q": "intent to deliver"}).text
    assert "T-PWID" in by_words and "T-POSS" not in by_words
    by_id = env.client.get("/cases", params={"q": "T-POSS"}).text
    assert "T-POSS" in by_id and "T-PWID" not in by_id
    nothing = env.client.get("/cases", params={"q": "100%_"}).text
    assert "0 cases" in nothing  # % and _ are letters here, not wildcards
    screened = env.client.get("/cases", params={"state": "screened"}).text
    assert "3 cases" in screened
    later = env.client.get("/cases", params={"filed_from": "2030-01-01"}).text
    assert "0 cases" in later
    bad = env.client.get("/cases", params={"filed_from": "yesterday"})
    assert bad.status_code == 422 and "is not a date; write it as 2026-07-02" in bad.text


def test_the_csv_export_keeps_the_filters_and_never_carries_a_live_formula(env: Env) -> None:
    login(env)
    env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-FORMULA", "person_id": "p-9", "filing_date": "2026-07-02", "age": 30,
        "charges": [{"as_written": '=HYPERLINK("http://example.invalid","click")'}]})
    listed = env.client.get("/cases", params={"q": "hyperlink"}).text
    assert 'href="/cases.csv?q=hyperlink"' in listed
    response = env.client.get("/cases.csv", params={"q": "hyperlink"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:5] == ["case_id", "person_id", "filing_date", "state", "decision_in_effect"]
    assert [r[0] for r in rows[1:]] == ["T-FORMULA"]
    assert rows[1][-1] == "'=HYPERLINK(\"http://example.invalid\",\"click\")"


def test_a_case_sent_to_review_by_an_unknown_fact_says_so_first(env: Env) -> None:
    login(env)
    env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": "T-NOAGE", "person_id": "p-10", "filing_date": "2026-07-02",
        "charges": [{"as_written": "Int Poss Contr Subst By Per Not Reg",
                     "citation": "35 § 780-113 §§ A16", "drug": "heroin"}]})
    page = env.client.get("/cases/T-NOAGE").text
    first = page.split('class="reason-first"><strong>')[1].split("</strong>")[0]
    assert first.startswith("Sent to review because the person&#39;s age at filing")
    assert "not known" in first and "clauses 1.1, " in first
    assert "charges[0]" not in page.split('<details id="why">')[0]


def _login_as(env: Env, username: str) -> str:
    response = env.client.post("/login", follow_redirects=False, data={
        "username": username, "password": PASSWORD,
        "totp": env.code(username)})
    return str(response.headers["location"])


def test_an_administrator_manages_accounts_from_a_page_not_the_api(env: Env) -> None:
    assert _login_as(env, "u-administrator") == "/users"
    page = env.client.get("/users").text
    assert "u-charging_ada" in page and "Log out" in page
    made = env.client.post("/users", data={"username": "new.ada", "password": "a long password",
                                           "role": "charging_ada"})
    assert made.status_code == 200
    assert "Account new.ada was created" in made.text and "shown\n  only now" in made.text
    again = env.client.post("/users", data={"username": "new.ada", "password": "another one",
                                            "role": "charging_ada"})
    assert again.status_code == 422 and 'value="new.ada"' in again.text
    assert "Account new.ada was created" not in again.text


def test_an_auditor_reads_the_log_and_verifies_the_chain_from_a_page(env: Env) -> None:
    assert _login_as(env, "u-auditor") == "/audit"
    log = env.client.get("/audit").text
    assert "entries; page 1 of" in log and "Verify the chain" in log
    checked = env.client.post("/audit/verify").text
    assert "The chain holds" in checked
    assert env.client.get("/users").status_code == 403  # an auditor manages no accounts


def test_the_public_page_needs_no_login_hides_small_counts_and_names_no_case(
    env: Env,
) -> None:
    response = env.client.get("/public")
    assert response.status_code == 200
    page = response.text
    assert "By month of filing" in page and "By age at filing" in page
    # the test store holds three cases: every count is small, so none is shown as a number
    body = page.split("<h2>By month of filing</h2>")[1]
    assert "1–10" in body and "<td>3</td>" not in body and "<td>1</td>" not in body
    for case_id in ("T-PWID", "T-POSS", "T-PARA"):
        assert case_id not in page
    assert 'href="/cases' not in page and "p-" not in body


def test_a_count_hidden_only_to_protect_a_small_one_is_not_called_small() -> None:
    from divert.analytics.suppress import suppress_row
    from divert.service.web.public import shown

    cells = suppress_row({"needs review": 5, "prosecute": 735, "out of scope": 44})
    assert {k: shown(c) for k, c in cells.items()} == {
        "needs review": "1–10", "prosecute": "735", "out of scope": "hidden"}


def test_what_would_change_is_said_in_words_not_fact_paths() -> None:
    from divert.service.web.words import change_words

    assert change_words("if 35 P.S. § 780-113(a)(16)'s quantity_grams were 2", "needs_review",
                        None) == ("If the stated quantity of 35 P.S. § 780-113(a)(16) were "
                                  "2 g: needs review")
    assert change_words("if case.charge_scope were top_charge_only", "needs_review",
                        None) == "If only the top charge were published: needs review"
    assert change_words("if case.age were 17", "out_of_scope", None) == (
        "If the person's age at filing were 17: out of scope")
    assert change_words("if the charge 18 Pa.C.S. § 6106 were withdrawn", "divert",
                        "Section 18") == (
        "If the charge 18 Pa.C.S. § 6106 were withdrawn: divert via Section 18")


def test_an_ada_screens_a_case_again_from_its_page_and_the_old_screening_stays(
        env: Env) -> None:
    login(env)
    page = env.client.get("/cases/T-POSS").text
    assert 'id="screen-form"' in page
    version = env.client.get("/api/cases/T-POSS", headers=env.headers("charging_ada")).json()[
        "version"]
    again = env.client.post("/cases/T-POSS/screen", data={"version": str(version)},
                            follow_redirects=True)
    assert "Screened again under phl-dao-simple-possession v" in again.text
    screenings = env.client.get("/api/cases/T-POSS/screenings",
                                headers=env.headers("charging_ada")).json()["items"]
    assert len(screenings) == 2  # the first is kept
    stale = env.client.post("/cases/T-POSS/screen", data={"version": str(version)})
    assert stale.status_code == 409 and 'role="alert"' in stale.text
