"""What `divert screen` and `divert ingest` write and summarize: one row per case (CSV,
Parquet or JSON Lines by extension), refused rows, and the counts printed after a run.

The first six columns are the contract other tools read (case_id, outcome, because,
policy_id, policy_version, policy_sha256); the columns after them only add detail.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from divert.csvcells import safe_row
from divert.errors import InputFormatError
from divert.ingest.refusals import Refusal
from divert.policy.explain import Decision

COLUMNS = (
    "case_id", "outcome", "because", "policy_id", "policy_version", "policy_sha256",
    "as_of", "unknowns", "unread_charges", "notes", "engine", "vehicle", "dispositions",
    "assumptions",
)  # fmt: skip
OUTPUT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def output_format(path: Path) -> str:
    """csv, parquet or jsonl from the output file's extension.

    Raises:
        InputFormatError: the extension is none of those (said before any screening starts).
    """
    kind = OUTPUT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputFormatError(
            str(path), "has no known output extension; use .csv, .parquet or .jsonl"
        )
    return kind


def decision_row(decision: Decision) -> dict[str, Any]:
    """A decision flattened to the output columns; lists are joined with ';'."""
    unread = [c.as_written for c in decision.charges if c.category is None]
    return {
        "case_id": decision.case_id,
        "outcome": decision.outcome.value,
        "because": ";".join(decision.because),
        "policy_id": decision.policy.id,
        "policy_version": decision.policy.version,
        "policy_sha256": decision.policy.sha256,
        "as_of": decision.as_of.isoformat() if decision.as_of else "",
        "unknowns": ";".join(decision.unknowns),
        "unread_charges": ";".join(unread),
        "notes": ";".join(decision.notes),
        "engine": decision.engine,
        "vehicle": decision.vehicle or "",
        "dispositions": ";".join(d.value for d in decision.dispositions),
        "assumptions": ";".join(decision.assumptions),
    }


def write_decisions(decisions: Sequence[Decision], out: Path) -> int:
    """Write one row per decision to `out` (format by extension); returns rows written."""
    kind = output_format(out)
    rows = [decision_row(d) for d in decisions]
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(safe_row(row.get(c) for c in COLUMNS) for row in rows)
    elif kind == "jsonl":
        _write_jsonl(rows, out)
    else:
        _write_parquet(rows, out)
    return len(rows)


def write_refusals(refusals: Iterable[Refusal], out: Path) -> int:
    """Every refusal (or warning) as CSV rows: path, line, column, value, reason."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("path", "line", "column", "value", "reason"))
        for r in refusals:
            writer.writerow(safe_row((r.path, r.line, r.column or "", r.value or "",
                                      r.reason)))
            count += 1
    return count


def write_decisions_json(decisions: Iterable[Decision], out: Path) -> int:
    """The full Decision JSON of each case, one per line (for replay and audit)."""
    return _write_jsonl((d.to_json() for d in decisions), out)


def _write_jsonl(rows: Iterable[dict[str, Any]], out: Path) -> int:
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_parquet(rows: list[dict[str, Any]], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [(name, pa.int64() if name == "policy_version" else pa.string()) for name in COLUMNS]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, out)


def outcome_counts(decisions: Iterable[Decision]) -> list[tuple[str, int]]:
    """Cases per outcome (a divert with its vehicle: `divert via amp-1`), most first."""
    return Counter(d.outcome.value + (f" via {d.vehicle}" if d.vehicle else "")
                   for d in decisions).most_common()


def deciding_rule_counts(decisions: Iterable[Decision]) -> list[tuple[str, str, int]]:
    """(outcome, deciding rule ids joined by ';' or '(default)', cases), most first."""
    counts = Counter((d.outcome.value, ";".join(d.because) or "(default)") for d in decisions)
    return [(outcome, rules, n) for (outcome, rules), n in counts.most_common()]


def unread_wordings(decisions: Iterable[Decision]) -> list[tuple[str, int, str]]:
    """Every charge wording the catalog could not read: (wording, charges, reason), most first."""
    counts: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for decision in decisions:
        for charge in decision.charges:
            if charge.category is None:
                counts[charge.as_written] += 1
                reasons.setdefault(charge.as_written, charge.reason or "")
    return [(wording, n, reasons[wording]) for wording, n in counts.most_common()]
