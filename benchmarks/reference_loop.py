"""Reference 1: a per-record Python loop, the way existing eligibility tools evaluate.

Reads the same Parquet files, groups charges by case in a dict, then for every case builds
its facts and evaluates every rule with divert's own reference evaluator and resolver
(policy/evaluate.py, policy/resolve.py) one record at a time. Writes the same output columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from divert.errors import DivertError
from divert.policy.evaluate import Facts, evaluate
from divert.policy.model import Policy
from divert.policy.resolve import resolve
from divert.policy.select import select_version

_CHARGE = ("category", "drug", "inchoate", "grade")
_PERSON = ("pad_contacts", "open_diversions", "prior_drug_convictions", "bench_warrants_5y")
_CASE = ("charge_scope", "stage", "charge_count", "pad_referred")


def screen_loop(policy: Policy, folder: Path, out: Path) -> int:
    charges: dict[str, list[dict[str, Any]]] = {}
    for row in pq.read_table(folder / "charges.parquet", columns=["case_id", *_CHARGE]).to_pylist():
        charges.setdefault(row["case_id"], []).append(
            {f"charge.{k}": row[k] for k in _CHARGE})
    persons = {row["person_id"]: row
               for row in pq.read_table(folder / "persons.parquet").to_pylist()}
    rule_ids = list(dict.fromkeys(r.id for v in policy.versions for r in v.rules))
    rows: dict[str, list[Any]] = {k: [] for k in ("case_id", "policy_version", "outcome",
                                                  "because", *rule_ids)}
    for case in pq.read_table(folder / "cases.parquet").to_pylist():
        person = persons.get(case["person_id"]) or {}
        scalars = {f"case.{k}": case[k] for k in _CASE}
        scalars.update({f"person.{k}": person.get(k) for k in _PERSON})
        facts = Facts(scalars, tuple(charges.get(case["case_id"], ())))
        try:
            version = select_version(policy, case["filing_date"]) if case["filing_date"] \
                else None
        except DivertError:
            version = None
        rows["case_id"].append(case["case_id"])
        if version is None:
            for key in ("policy_version", "outcome", "because", *rule_ids):
                rows[key].append(None)
            continue
        truths = {r.id: evaluate(r.when, facts) for r in version.rules}
        outcome, because, _ = resolve(version, truths)
        rows["policy_version"].append(version.version)
        rows["outcome"].append(outcome.value)
        rows["because"].append(";".join(because))
        for rid in rule_ids:
            t = truths.get(rid)
            rows[rid].append(None if t is None or t.value == "unknown" else t.value == "true")
    pq.write_table(pa.table({k if k in ("case_id", "policy_version", "outcome", "because")
                             else f"truth:{k}": v for k, v in rows.items()}), out)
    return len(rows["case_id"])
