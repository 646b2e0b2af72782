"""The analyst page: the live funnel, the same figures as the API, and links that the
session cookie opens; every other role gets the refusal page."""

from __future__ import annotations

import pytest

from divert.cases.access import ROLES, is_allowed

from .conftest import Env
from .test_pages_police import page_login


def test_an_analyst_lands_on_the_live_funnel_with_the_apis_figures(env: Env) -> None:
    assert page_login(env, "u-analyst") == "/analytics"
    page = env.client.get("/analytics").text
    figures = env.client.get("/api/analytics/funnel").json()  # the cookie opens the API too
    assert f"{figures['data']['events']} events on {figures['data']['cases']} cases" in page
    table = page.split('id="funnel"')[1]
    for step in figures["steps"]:
        count = step["count"] if step["count"] is not None else "not recorded"
        assert f"<td>{step['step']}</td><td>{count}</td>" in table
    assert figures["data"]["cases"] == 3  # the three seeded cases, pseudonymous
    assert 'href="/api/analytics/report"' in page and 'href="/analytics"' in page
    assert "p-1" not in page and "T-POSS" not in page  # pseudonymous only


@pytest.mark.parametrize("role", [r for r in ROLES if not is_allowed(r, "analytics.read")])
def test_every_other_role_gets_the_refusal_page(env: Env, role: str) -> None:
    page_login(env, f"u-{role}")
    response = env.client.get("/analytics")
    assert response.status_code == 403
    assert f"Your role &#39;{role}&#39; may not perform &#39;analytics.read&#39;." in response.text
    assert 'href="/analytics"' not in response.text



@pytest.mark.parametrize(("role", "home"), [("administrator", "/users"),
                                            ("auditor", "/audit")])
def test_administrators_and_auditors_land_on_their_own_page_with_a_way_out(
    env: Env, role: str, home: str,
) -> None:
    landing = page_login(env, f"u-{role}")
    assert landing == home
    page = env.client.get(landing)
    assert page.status_code == 200 and 'action="/logout"' in page.text


def test_each_chart_has_its_csv_with_the_figures_the_page_and_api_show(env: Env) -> None:
    import csv
    import io

    page_login(env, "u-analyst")
    page = env.client.get("/analytics").text
    assert "/api/analytics/funnel" not in page  # no raw JSON links for a person to follow
    funnel = list(csv.DictReader(io.StringIO(env.client.get("/analytics/funnel.csv").text)))
    api = env.client.get("/api/analytics/funnel").json()["steps"]
    assert [(r["step"], r["cases"]) for r in funnel] == [
        (s["step"], "" if s["count"] is None else str(s["count"])) for s in api]
    monthly = list(csv.DictReader(io.StringIO(env.client.get("/analytics/monthly.csv").text)))
    assert sum(int(r["total"]) for r in monthly) == 3  # the three seeded cases
    assert {r["filing_month"] for r in monthly} == {"2026-06", "2026-07"}
    for row in monthly:
        assert f"<td>{row['filing_month']}</td>" in page.split('id="monthly"')[1]
    refiling = env.client.get("/analytics/refiling.csv")
    assert refiling.status_code == 200 and refiling.text.startswith("group,window_days")
    for body in (refiling.text, env.client.get("/analytics/funnel.csv").text):
        assert "T-POSS" not in body and "p-1" not in body
    missing = env.client.get("/analytics/people.csv")
    assert missing.status_code == 404 and "the downloads are: funnel" in missing.text
