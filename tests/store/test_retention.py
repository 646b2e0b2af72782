"""Retention (issue item 6): every table of the case store has a documented period with its
reason, and the report counts the rows past it, on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from divert.store import retention
from divert.store.tables import Base

from .kit import filed


def test_every_table_has_a_documented_period_with_its_reason() -> None:
    periods = retention.load_periods()
    assert set(periods) == set(Base.metadata.tables)
    assert all(p.days > 0 and p.why for p in periods.values())


def test_the_report_counts_rows_past_their_period(session: Session) -> None:
    filed(session, "C-1", "P-1")  # recorded at kit.AT, 2026-07-02
    filed(session, "C-2", "P-2")
    seven_years_on = date(2033, 7, 3)  # 2,557 days after 2026-07-02 is 2033-07-02
    within = retention.report(session, date(2033, 7, 1))
    past = retention.report(session, seven_years_on)
    assert within["cases"].past == 0 and within["cases"].rows == 2
    assert past["cases"].past == 2 and past["charges"].past == 2
    assert past["case_events"].past == 2 and past["audit_log"].past == 2
    assert past["what_if_screenings"].past == 0  # empty table: nothing to count


def test_a_wrong_table_or_a_reasonless_period_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "retention.yaml"
    bad.write_text("tables:\n  casez:\n    days: 1\n    from: created_at\n    assumption: x\n")
    with pytest.raises(retention.RetentionError, match=r"tables\.casez: no such table"):
        retention.load_periods(bad)
    bad.write_text("tables:\n  cases:\n    days: 1\n    from: updated_at\n")
    with pytest.raises(retention.RetentionError, match="label it an `assumption`"):
        retention.load_periods(bad)
