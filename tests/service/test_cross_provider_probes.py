"""The cross-provider campaign (issue 12, item 3): 1,000 probes by provider B at provider A's
referrals, consents, engagement reports and cases, through the API and the pages. A probe
*leaks* if it answers 2xx/3xx with any of A's referral ids, consent ids or people in it, or
if it writes anything. The red team's 243 probes found 0 reads and one write path (finding
2); this keeps 1,000 of them in CI (a few seconds per backend).

Controls keep the probes honest: B reads its own referral, and A reads everything probed.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from typing import Any

from .conftest import ORIGIN, PASSWORD, Env
from .test_providers_consent import _post

PROBES = 1_000
A_CASES = ("X-A1", "X-A2", "X-A3")


def _file_and_refer(env: Env, case_id: str, person: str, provider: str) -> int:
    filed = env.client.post("/api/cases", headers=env.headers("charging_ada"), json={
        "case_id": case_id, "person_id": person, "filing_date": "2026-07-01", "age": 30,
        "charges": [{"as_written": "Int Poss Contr Subst By Per Not Reg",
                     "citation": "35 § 780-113 §§ A16", "grade": "M", "drug": "heroin"}]})
    assert filed.status_code == 201, filed.text
    _post(env, f"/api/cases/{case_id}/reviews", {"action": "confirm"}, "supervisor", case_id)
    _post(env, f"/api/cases/{case_id}/offer", {"expires_on": "2026-07-20"}, "supervisor",
          case_id)
    _post(env, f"/api/cases/{case_id}/offer/answer", {"answer": "accepted"}, "coordinator",
          case_id)
    referral: dict[str, Any] = _post(env, "/api/referrals",
                                     {"case_id": case_id, "provider_id": provider},
                                     "coordinator", case_id)
    return int(referral["id"])


def _world(env: Env) -> dict[str, Any]:
    """A's three referrals (each with a report and a consent) and B's own one."""
    a_refs = [_file_and_refer(env, c, f"p-{c}", "prov-a") for c in A_CASES]
    consents = []
    for case_id, ref in zip(A_CASES, a_refs, strict=True):
        report = env.client.post("/api/engagement-reports", headers=env.headers("provider"),
                                 json={"referral_id": ref, "reported_on": "2026-07-02",
                                       "attendance": "attended 1 of 1"})
        assert report.status_code == 201, report.text
        made = env.client.post("/api/consents", headers=env.headers("provider"), json={
            "case_id": case_id, "provider_id": "prov-a", "recipient_roles": ["charging_ada"],
            "kinds": ["attendance"], "purpose": "follow", "signed_on": "2026-07-02",
            "expires_on": "2026-12-31"})
        assert made.status_code == 201, made.text
        consents.append(made.json()["id"])
    b_ref = _file_and_refer(env, "X-B1", "p-X-B1", "prov-b")
    return {"a_refs": a_refs, "consents": consents, "b_ref": b_ref,
            "secrets": [*(f"p-{c}" for c in A_CASES), *A_CASES]}


def _as_b(env: Env) -> dict[str, str]:
    env.usernames["provider-b"] = "u-provider-b"
    response = env.login("u-provider-b")
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _probes(env: Env, world: dict[str, Any], b: dict[str, str], cookie_client: Any
            ) -> list[tuple[str, Callable[[], Any], bool]]:
    """(kind, call, is_write) for every way B could reach A's things."""
    c = env.client
    probes: list[tuple[str, Callable[[], Any], bool]] = []
    for ref, case_id, consent in zip(world["a_refs"], A_CASES, world["consents"],
                                     strict=True):
        for spelled in (str(ref), f"{ref:03d}", f"+{ref}", f" {ref}"):
            probes.append(("GET referral", lambda s=spelled: c.get(
                f"/api/referrals/{s}", headers=b), False))
        probes += [
            ("list referrals by provider", lambda: c.get(
                "/api/referrals", params={"provider_id": "prov-a"}, headers=b), False),
            ("list referrals by case", lambda cid=case_id: c.get(
                "/api/referrals", params={"case_id": cid}, headers=b), False),
            ("read case", lambda cid=case_id: c.get(f"/api/cases/{cid}", headers=b), False),
            ("read events", lambda cid=case_id: c.get(f"/api/cases/{cid}/events",
                                                      headers=b), False),
            ("read engagement", lambda cid=case_id: c.get(f"/api/cases/{cid}/engagement",
                                                          headers=b), False),
            ("list consents", lambda cid=case_id: c.get(
                "/api/consents", params={"case_id": cid}, headers=b), False),
            ("report on A's referral", lambda r=ref: c.post(
                "/api/engagement-reports", headers=b, json={
                    "referral_id": r, "reported_on": "2026-07-03",
                    "engagement_status": "not_engaged"}), True),
            ("consent for A", lambda cid=case_id: c.post("/api/consents", headers=b, json={
                "case_id": cid, "provider_id": "prov-a", "recipient_roles": ["charging_ada"],
                "kinds": ["attendance"], "purpose": "x", "signed_on": "2026-07-02",
                "expires_on": "2026-12-31"}), True),
            ("consent as B on A's case", lambda cid=case_id: c.post(
                "/api/consents", headers=b, json={
                    "case_id": cid, "provider_id": "prov-b",
                    "recipient_roles": ["charging_ada"], "kinds": ["attendance"],
                    "purpose": "x", "signed_on": "2026-07-02", "expires_on": "2026-12-31"}),
             True),
            ("revoke A's consent", lambda k=consent: c.post(
                f"/api/consents/{k}/revoke", json={}, headers={**b, "If-Match": "1"}), True),
            ("page: report on A's referral", lambda r=ref: cookie_client.post(
                f"/referrals/{r}/engagement", headers={"Origin": ORIGIN}, data={
                    "reported_on": "2026-07-03", "engagement_status": "not_engaged"},
                follow_redirects=False), True),
            ("page: referral list", lambda: cookie_client.get("/referrals"), False),
        ]
    return probes


def _leaked(response: Any, secrets: list[str], refs: list[int], write: bool) -> bool:
    if response.status_code >= 400:
        return False
    if write and response.status_code in (200, 201, 303):
        return not (response.status_code == 200 and "referrals" in str(response.url))
    text = response.text
    return any(s in text for s in secrets) or any(
        f'"id":{r},' in text.replace(" ", "") or f"referral {r}" in text for r in refs)


def test_a_thousand_cross_provider_probes_read_and_write_nothing(env: Env) -> None:
    world = _world(env)
    b = _as_b(env)
    from fastapi.testclient import TestClient

    pages = TestClient(env.client.app, headers={"Origin": ORIGIN})
    logged = pages.post("/login", follow_redirects=False, data={
        "username": "u-provider-b", "password": PASSWORD, "totp": env.code("u-provider-b")})
    assert logged.status_code == 303, logged.text
    # controls: B sees its own referral, on the API and its page
    own = env.client.get(f"/api/referrals/{world['b_ref']}", headers=b)
    assert own.status_code == 200 and own.json()["id"] == world["b_ref"]
    assert "p-X-B1" in pages.get("/referrals").text
    events_before = {cid: env.client.get(f"/api/cases/{cid}/events",
                                         headers=env.headers("supervisor")).json()["total"]
                     for cid in A_CASES}
    probes = _probes(env, world, b, pages)
    kinds: Counter[str] = Counter()
    leaks: list[str] = []
    for kind, call, write in itertools.islice(itertools.cycle(probes), PROBES):
        response = call()
        kinds[kind] += 1
        assert response.status_code < 500, (kind, response.text)
        if _leaked(response, world["secrets"], world["a_refs"], write):
            leaks.append(f"{kind}: {response.status_code} {response.text[:120]}")
    assert sum(kinds.values()) == PROBES and len(kinds) == 13
    assert leaks == []
    # nothing was written on A's cases, and A's consents are all still in force
    for cid in A_CASES:
        total = env.client.get(f"/api/cases/{cid}/events",
                               headers=env.headers("supervisor")).json()["total"]
        assert total == events_before[cid], cid
    for cid in A_CASES:
        mine = env.client.get("/api/consents", params={"case_id": cid},
                              headers=env.headers("provider")).json()["items"]
        assert [k["revoked_on"] for k in mine] == [None]
