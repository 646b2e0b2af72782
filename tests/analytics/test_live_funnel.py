"""GET /api/analytics/funnel reads the live case store (pseudonymous, audited, analysts only)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from divert.cli import app
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.tables import AuditRow
from service.conftest import Env, assert_error, db_url, env, template_db
from store.test_events_export import FUNNEL, build

__all__ = ["db_url", "env", "template_db"]  # the service's fixtures, reused


def _counts(env: Env) -> list[int]:
    got = env.client.get("/api/analytics/funnel", headers=env.headers("analyst"))
    assert got.status_code == 200, got.text
    return [s["count"] for s in got.json()["steps"]]


def test_cases_added_through_the_repository_move_the_live_funnel_as_computed_by_hand(
    env: Env, db_url: str
) -> None:
    before = _counts(env)  # the three screened cases the service tests seed
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        build(session)
    after = env.client.get("/api/analytics/funnel", headers=env.headers("analyst"))
    body = after.json()
    assert [s["count"] - b for s, b in zip(body["steps"], before, strict=True)] == FUNNEL
    assert body["data"]["cases"] == 3 + 6 and body["data"]["people"] == 3 + 5
    assert body["missing"] == []
    for real in ("C-1", "P-1", "T-POSS", "p-1\""):
        assert real not in after.text
    with make_sessionmaker(engine)() as session:
        last = session.scalars(select(AuditRow).where(AuditRow.action == "analytics.export")
                               .order_by(AuditRow.seq.desc())).first()
    engine.dispose()
    assert last is not None and last.actor == "u-analyst"


def test_only_analysts_read_the_live_funnel(env: Env) -> None:
    for role in ("charging_ada", "coordinator", "provider", "auditor"):
        assert_error(env.client.get("/api/analytics/funnel", headers=env.headers(role)), 403)


def test_divert_funnel_prints_the_live_store_funnel(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'divert.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        build(session)
    engine.dispose()
    got = CliRunner().invoke(app, ["funnel", "--url", url])
    assert got.exit_code == 0, got.output
    assert "6 cases, 5 people" in got.output
    assert "eligible: 5 cases." in got.output
    assert "offered: 4 cases (80.0% of the step before; 1 lost)" in got.output
    assert "completed: 1 cases (100.0% of the step before; 0 lost)" in got.output
    assert "C-1" not in got.output and "P-1" not in got.output
    assert ("re-filing after a person's first diverted case (offer accepted): 0.0% "
            "(95% CI 0.0%–65.8%) = 0 / 2 (within 90 days, 2026-07-01 to 2026-11-02)"
            in got.output)
    late = CliRunner().invoke(app, ["funnel", "--url", url, "--as-of", "2027-01-01"])
    assert "diverted case (offer accepted): 50.0%" in late.output
    assert "= 1 / 2 (within 180 days" in late.output
    bad = CliRunner().invoke(app, ["funnel", "--url", url, "--as-of", "soon"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_live_refiling_counts_the_re_arrest_after_a_diversion(env: Env, db_url: str) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        build(session)
    engine.dispose()
    got = env.client.get("/api/analytics/live-refiling", params={"as_of": "2027-01-01"},
                         headers=env.headers("analyst"))
    assert got.status_code == 200, got.text
    groups = got.json()["groups"]
    by_window = {k: {m["window_days"]: m for m in ms} for k, ms in groups.items()}
    # C-6 was filed 124 days after C-1 (same person, diverted): inside 180 days, not 90.
    # Index: the first case of 8 people (5 built, 3 seeded); diverted: C-1 and C-2.
    assert [(by_window["filed"][w]["numerator"], by_window["filed"][w]["denominator"])
            for w in (90, 180)] == [(0, 8), (1, 8)]
    assert (by_window["diverted"][180]["numerator"],
            by_window["diverted"][180]["denominator"]) == (1, 2)
    assert by_window["diverted"][365]["censored"] == 2
    default = env.client.get("/api/analytics/live-refiling", headers=env.headers("analyst"))
    assert default.json()["as_of"] == "2026-11-02"  # C-6, the latest filing in the store
