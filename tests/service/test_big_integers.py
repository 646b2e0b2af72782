"""Red-team finding 7: integers above 64 bits (in a path id, `page`, a body field or a header)
answered 500. Every one must be a 422 that names the field, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Env, assert_error

HUGE = 2**64 + 1  # above any 64-bit column
BEYOND_INT4 = 2**40  # fits 64 bits, not PostgreSQL's integer ids

# (role, method, url, json body, extra headers, the field the error must name)
REQUESTS: list[tuple[str, str, str, dict[str, Any] | None, dict[str, str], str]] = [
    ("supervisor", "GET", "/api/cases?page={n}", None, {}, "page"),
    ("supervisor", "GET", "/api/cases?page_size={n}", None, {}, "page_size"),
    ("coordinator", "GET", "/api/referrals/{n}", None, {}, "referral_id"),
    ("administrator", "PATCH", "/api/users/{n}", {"unlock": True}, {"If-Match": "1"},
     "user_id"),
    ("provider", "POST", "/api/consents/{n}/revoke", {}, {"If-Match": "1"}, "consent_id"),
    ("provider", "POST", "/api/engagement-reports",
     {"referral_id": "{n}", "reported_on": "2026-07-02"}, {}, "referral_id"),
    ("supervisor", "POST", "/api/cases/T-POSS/reviews", {"action": "confirm"},
     {"If-Match": "{n}"}, "If-Match"),
    ("administrator", "POST", "/api/providers",
     {"id": "p-big", "name": "Big", "capacity": "{n}"}, {}, "capacity"),
    ("charging_ada", "POST", "/api/screen",
     {"case_id": "X-1", "charges": [{"citation": "35 § 780-113 §§ A16", "grade": "M"}],
      "age": 30, "prior_drug_convictions": "{n}"}, {}, "prior_drug_convictions"),
]


def _fill(value: Any, n: int) -> Any:
    if value == "{n}":
        return n
    if isinstance(value, str):
        return value.replace("{n}", str(n))
    if isinstance(value, dict):
        return {k: _fill(v, n) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, n) for v in value]
    return value


@pytest.mark.parametrize("n", [HUGE, -HUGE, BEYOND_INT4], ids=["2^64+1", "-(2^64+1)", "2^40"])
@pytest.mark.parametrize("request_", REQUESTS, ids=[f"{r[1]} {r[2]}" for r in REQUESTS])
def test_an_integer_out_of_range_is_a_422_naming_the_field(
    env: Env, request_: tuple[str, str, str, dict[str, Any] | None, dict[str, str], str],
    n: int,
) -> None:
    role, method, url, body, extra, field = request_
    headers = env.headers(role, **{k: str(v) for k, v in _fill(extra, n).items()})
    response = env.client.request(method, _fill(url, n), json=_fill(body, n), headers=headers)
    if response.status_code != 422:
        # 2^40 is a fine page number or count: it may be answered (an empty page, a 404)
        assert n == BEYOND_INT4 and response.status_code < 500, response.text
        return
    error = assert_error(response, 422)
    assert field in error["error"], error


def test_a_number_no_column_holds_is_a_422_even_where_a_route_forgot_its_bound(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The net under service/bounds.py: the store's own overflow is a 422, not a 500."""
    from divert.store import treatment

    real = treatment.get_referral

    def unbounded(db: Any, actor: Any, referral_id: int) -> Any:
        return real(db, actor, referral_id * HUGE)  # what an unbounded route would pass

    monkeypatch.setattr(treatment, "get_referral", unbounded)
    error = assert_error(env.client.get("/api/referrals/1", headers=env.headers("coordinator")),
                         422)
    assert "2147483647" in error["error"]
