"""Retention: every table's documented period (retention.yaml, data a records officer reads)
and a report of the rows past it. Nothing is deleted here: disposal is a decision, and a
table with no documented period is itself a finding (`divert retention` exits 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Date, DateTime, String, func, select
from sqlalchemy.orm import Session

from divert.errors import DivertError
from divert.store.tables import Base, CaseRow, ChargeRow

RETENTION_FILE = Path(__file__).with_name("retention.yaml")


class RetentionError(DivertError):
    """retention.yaml names a table or column that does not exist, or lacks a reason."""


@dataclass(frozen=True, slots=True)
class Period:
    table: str
    days: int
    column: str  # the column the period counts from; "case" = the case's updated_at
    why: str


@dataclass(frozen=True, slots=True)
class TableRetention:
    period: Period | None
    rows: int
    past: int  # rows older than the period on the report's date
    oldest: str | None


def load_periods(path: Path = RETENTION_FILE) -> dict[str, Period]:
    """Every documented period, checked against the models (a wrong name is an error)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = Base.metadata.tables
    periods: dict[str, Period] = {}
    for name, spec in (data.get("tables") or {}).items():
        where = f"{path}: tables.{name}"
        if name not in tables:
            raise RetentionError(f"{where}: no such table in the case store")
        column = str(spec.get("from", ""))
        if column != "case" and column not in tables[name].columns:
            raise RetentionError(f"{where}: from: {column!r} is not a column of {name}")
        why = spec.get("source") or spec.get("assumption")
        if not why:
            raise RetentionError(f"{where}: give its `source` or label it an `assumption`")
        periods[name] = Period(name, int(spec["days"]), column, str(why))
    return periods


def report(session: Session, as_of: date, path: Path = RETENTION_FILE
           ) -> dict[str, TableRetention]:
    """Per table of the models: its period (None: undocumented), rows, rows past it."""
    periods = load_periods(path)
    out: dict[str, TableRetention] = {}
    for name, table in Base.metadata.tables.items():
        period = periods.get(name)
        rows = int(session.scalar(select(func.count()).select_from(table)) or 0)
        if period is None:
            out[name] = TableRetention(None, rows, 0, None)
            continue
        cutoff_day = as_of - timedelta(days=period.days)
        column: Any = CaseRow.updated_at if period.column == "case" else table.columns[
            period.column]
        if isinstance(column.type, DateTime):
            cutoff: Any = datetime(cutoff_day.year, cutoff_day.month, cutoff_day.day,
                                   tzinfo=UTC)
        elif isinstance(column.type, Date):
            cutoff = cutoff_day
        elif isinstance(column.type, String):  # ISO text (audit_log.at)
            cutoff = cutoff_day.isoformat()
        else:
            raise RetentionError(f"{name}.{period.column}: not a date, time or ISO text")
        count_q: Any = select(func.count()).select_from(table)
        oldest_q: Any = select(func.min(column)).select_from(table)
        if period.column == "case":  # charges: kept with their case
            count_q = count_q.join(CaseRow, CaseRow.id == ChargeRow.case_id)
            oldest_q = oldest_q.join(CaseRow, CaseRow.id == ChargeRow.case_id)
        past = int(session.scalar(count_q.where(column < cutoff)) or 0)
        oldest = session.scalar(oldest_q)
        out[name] = TableRetention(period, rows, past, None if oldest is None else str(oldest))
    return out
