"""GET /api/audit/verify checks the chain against the audit key and the heads recorded
outside the database by default (red-team finding 10: it took no anchor and missed a
truncated tail), and takes noted heads as `head=`. The service records heads itself on a
schedule (here: one tick, called directly)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from divert.cases.access import ROLES
from divert.service.anchoring import record_now
from divert.service.app import create_app
from divert.service.clock import FixedClock
from divert.service.settings import Settings
from divert.store import anchor

from .conftest import START, Env, Template


@pytest.fixture
def anchored(db_url: str, template_db: Template, tmp_path: Path) -> Iterator[Env]:
    key = anchor.generate_key(tmp_path / "audit.key")
    settings = Settings(database_url=db_url, audit_key_file=str(key),
                        audit_heads_file=str(tmp_path / "heads.jsonl"), audit_head_minutes=0)
    clock = FixedClock(START)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        yield Env(client, clock, dict(template_db.secrets), {r: f"u-{r}" for r in ROLES})
    app.state.engine.dispose()


def verify(env: Env, **params: str) -> dict[str, object]:
    response = env.client.get("/api/audit/verify", params=params, headers=env.headers("auditor"))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_verify_finds_a_cut_tail_against_the_recorded_head(anchored: Env, db_url: str) -> None:
    first = verify(anchored)
    assert first["ok"] is True and first["keyed"] is True and first["heads_checked"] == 0
    record_now(anchored.client.app, "schedule")  # type: ignore[arg-type]
    second = verify(anchored)
    assert second["ok"] is True and second["heads_checked"] == 1
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:  # someone with the database cuts the last three entries
        last = conn.execute(sa.text("SELECT max(seq) FROM audit_log")).scalar_one()
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq > :n"), {"n": last - 3})
    engine.dispose()
    third = verify(anchored)
    assert third["ok"] is False
    assert any("were cut off its end" in p for p in third["problems"])  # type: ignore[attr-defined]


def test_verify_takes_a_noted_head(anchored: Env) -> None:
    head = str(verify(anchored)["head"])
    assert verify(anchored, head=head)["ok"] is True
    gone = verify(anchored, head="ab" * 32)
    assert gone["ok"] is False and "is no longer in the log" in str(gone["problems"])
