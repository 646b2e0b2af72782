"""Red-team finding 1 (fixed earlier; its regression test): `GET /api/cases?outcome=…` ran a
correlated max(id) subquery over screenings (34 s on SQLite, holding the write lock), so
concurrent requests failed. The filter now reads the decision in effect kept on the case row,
through an index: the statements it runs never touch screenings, and SQLite's plan for them
uses the (effective_outcome, filing_date) index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from .conftest import Env


def test_the_outcome_filter_reads_an_index_not_every_screening(env: Env, db_url: str) -> None:
    engine: Any = env.client.app.state.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
                many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "effective_outcome =" in statement:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        listed = env.client.get("/api/cases", params={"outcome": "prosecute"},
                                headers=env.headers("charging_ada"))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert listed.status_code == 200 and listed.json()["items"]
    assert seen, "the outcome filter ran no statement on effective_outcome"
    assert not any("screenings" in statement for statement, _ in seen)
    if not db_url.startswith("sqlite"):
        return  # the plan is read on SQLite: PostgreSQL's planner seq-scans tiny tables
    with engine.connect() as conn:
        for statement, params in seen:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", params))
            assert "ix_cases_effective_outcome_filing_date" in plan, plan
