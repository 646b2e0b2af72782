"""Red-team finding 6: no CSRF defence beyond SameSite=Strict. A review form posted with a
foreign Origin was recorded, and login CSRF (logging a victim's browser into the attacker's
account) worked. Every state-changing page POST, the login form included, and every API
write riding on the session cookie now needs an Origin (or Referer) naming this host."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ORIGIN, PASSWORD, Env, assert_error

FOREIGN = "https://attacker.example"


def _page_login(env: Env, username: str = "u-supervisor") -> None:
    response = env.client.post("/login", follow_redirects=False, data={
        "username": username, "password": PASSWORD, "totp": env.code(username)})
    assert response.status_code == 303, response.text


def _case(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = env.client.get("/api/cases/T-POSS",
                                           headers=env.headers("supervisor")).json()
    return found


def _review(env: Env, **headers: str) -> Any:
    return env.client.post("/cases/T-POSS/review", follow_redirects=False, headers=headers,
                           data={"action": "confirm", "version": _case(env)["version"]})


@pytest.mark.parametrize("headers", [
    {"Origin": FOREIGN},
    {"Origin": "null"},
    {"Origin": "http://testserver.attacker.example"},
    {"Origin": "", "Referer": f"{FOREIGN}/form.html"},
], ids=["foreign", "null", "lookalike", "foreign-referer"])
def test_a_review_form_posted_from_another_site_is_refused_and_not_recorded(
    env: Env, headers: dict[str, str]
) -> None:
    _page_login(env)
    before = _case(env)["version"]
    if headers.get("Origin") == "":
        env.client.headers.pop("Origin")
        headers = {k: v for k, v in headers.items() if k != "Origin"}
    refused = _review(env, **headers)
    assert refused.status_code == 403 and "did not come from" in refused.text
    assert _case(env)["version"] == before


def test_a_page_post_with_neither_origin_nor_referer_is_refused(env: Env) -> None:
    _page_login(env)
    before = _case(env)["version"]
    env.client.headers.pop("Origin")
    assert _review(env).status_code == 403
    assert _case(env)["version"] == before


def test_the_same_review_from_this_host_is_recorded(env: Env) -> None:
    _page_login(env)
    before = _case(env)["version"]
    assert _review(env, Origin=ORIGIN).status_code == 303
    env.client.headers.pop("Origin")
    after = _case(env)["version"]
    assert _review(env, Referer=f"{ORIGIN}/cases/T-POSS").status_code in (303, 422)
    assert after > before


def test_login_csrf_is_refused(env: Env) -> None:
    """A foreign page must not log the victim's browser into an account it chose."""
    refused = env.client.post("/login", follow_redirects=False, headers={"Origin": FOREIGN},
                              data={"username": "u-analyst", "password": PASSWORD,
                                    "totp": env.code("u-analyst")})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers


def test_an_api_write_riding_on_the_cookie_is_checked_a_bearer_one_is_not(env: Env) -> None:
    _page_login(env)  # the browser now holds the session cookie
    body = {"action": "confirm"}
    version = str(_case(env)["version"])
    forged = env.client.post("/api/cases/T-POSS/reviews", json=body,
                             headers={"Origin": FOREIGN, "If-Match": version})
    error = assert_error(forged, 403)
    assert error["errors"][0]["loc"] == ["header", "Origin"]
    # a program with a bearer token is no browser: no cookie rides along on its own
    bearer = env.client.post("/api/cases/T-POSS/reviews", json=body, headers={
        **env.headers("supervisor"), "Origin": FOREIGN, "If-Match": version})
    assert bearer.status_code == 201, bearer.text


def test_pages_tell_browsers_to_send_their_origin_but_no_referrer_to_other_sites(
    env: Env,
) -> None:
    assert env.client.get("/login").headers["referrer-policy"] == "same-origin"


def test_behind_a_proxy_that_rewrites_host_the_public_origin_is_accepted(env: Env) -> None:
    from fastapi.testclient import TestClient

    from divert.service.app import create_app

    app: Any = env.client.app
    settings = app.state.settings.model_copy(
        update={"public_origins": "https://divert.example"})
    proxied = create_app(settings, clock=env.clock, engine=app.state.engine)
    client = TestClient(proxied, headers={"Origin": "https://divert.example"})
    response = client.post("/login", follow_redirects=False, data={
        "username": "u-analyst", "password": PASSWORD, "totp": env.code("u-analyst")})
    assert response.status_code == 303, response.text
    foreign = client.post("/login", headers={"Origin": FOREIGN}, data={
        "username": "u-analyst", "password": PASSWORD, "totp": env.code("u-analyst")})
    assert foreign.status_code == 403
