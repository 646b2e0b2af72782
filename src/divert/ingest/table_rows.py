"""Rows of a generic table, from CSV, Parquet or JSON Lines, as (line, {column: text}).

Every format gives the same shape, so the case builder checks values once. The line is the
physical line for CSV and JSON Lines, and the 1-based row number for Parquet (plus one, so
that "line 2" is the first data row in every format, as if a header came first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from divert.errors import InputFormatError
from divert.ingest.refusals import Refusal
from divert.ingest.textfile import read_text, split_header

Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A table's columns and its rows; a row that cannot be read at all is a Refusal."""

    format: str  # csv | parquet | jsonl
    columns: tuple[str, ...]
    rows: tuple[tuple[int, Row] | Refusal, ...]


def format_of(path: Path) -> str:
    """csv, parquet or jsonl, by the file's extension (anything else is read as CSV)."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "csv"


def read_table(path: Path, expected: str) -> Table:
    """The table in `path`, by its extension. `expected` names the format in error sentences."""
    kind = format_of(path)
    if kind == "parquet":
        return _parquet(path, expected)
    if kind == "jsonl":
        return _jsonl(path, expected)
    return _csv(path, expected)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _csv(path: Path, expected: str) -> Table:
    header, rows = split_header(path, read_text(path, expected), expected)
    columns = tuple(header)
    out: list[tuple[int, Row] | Refusal] = []
    for item in rows:
        if isinstance(item, Refusal):
            out.append(item)
            continue
        line, raw = item
        if len(raw) != len(columns):
            reason = f"expected {len(columns)} columns, found {len(raw)}"
            out.append(Refusal(str(path), line, None, None, reason))
        else:
            out.append((line, {c: v.strip() for c, v in zip(columns, raw, strict=True)}))
    return Table("csv", columns, tuple(out))


def _jsonl(path: Path, expected: str) -> Table:
    columns: dict[str, None] = {}
    out: list[tuple[int, Row] | Refusal] = []
    for line, raw in enumerate(read_text(path, expected).splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            out.append(Refusal(str(path), line, None, None, f"is not valid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            out.append(Refusal(str(path), line, None, None, "is not a JSON object"))
            continue
        columns.update(dict.fromkeys(record))
        out.append((line, {str(k): _text(v) for k, v in record.items()}))
    return Table("jsonl", tuple(columns), tuple(out))


def _parquet(path: Path, expected: str) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise InputFormatError(str(path), "no such file") from None
    except (pa.ArrowInvalid, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFormatError(
            str(path), f"is not a readable Parquet file ({first}); expected {expected}"
        ) from None
    rows = table.to_pylist()
    out: list[tuple[int, Row] | Refusal] = [
        (index + 2, {k: _text(v) for k, v in row.items()}) for index, row in enumerate(rows)
    ]
    return Table("parquet", tuple(table.column_names), tuple(out))
