"""Resolution as a decision table: every combination of rule truths, resolved once at compile time.

A case's outcome and `because` depend only on its version and its rules' truths. With n rules
a version has 3^n truth combinations (a few thousand for real policies), so the compiler asks
policy/resolve.py, the reference, for the answer to each one, and the query joins on a
packed signature instead of evaluating a long CASE per row. The answers are the reference's
by construction, and the join against a small table is several times faster than the CASE
(docs/benchmarks.md). Policies with too many rules fall back to the CASE of resolution.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product

import pyarrow as pa

from divert.policy.explain import Truth
from divert.policy.model import PolicyVersion
from divert.policy.resolve import resolve

MAX_ROWS = 60_000  # 3^10 = 59,049: up to ten rules per version
_CODES = (Truth.FALSE, Truth.UNKNOWN, Truth.TRUE)  # code 0, 1, 2, as the SQL packs them


def fits(versions: Sequence[PolicyVersion]) -> bool:
    """Whether the table for these versions is small enough to build."""
    return sum(3 ** len(v.rules) for v in versions) <= MAX_ROWS


def signature_sql(truth: Mapping[str, str], version: str = "v") -> str:
    """SQL packing the version and each rule's truth code (FALSE 0, UNKNOWN 1, TRUE 2)."""
    terms = [f"CAST({version} AS BIGINT) * {3 ** len(truth)}"]
    terms += [f"COALESCE(CAST({col} AS INTEGER) * 2, 1) * {3 ** i}"
              for i, col in enumerate(truth.values())]
    return "(" + " + ".join(terms) + ")"


def decision_rows(versions: Sequence[PolicyVersion], rule_ids: Sequence[str],
                  separator: str) -> pa.Table:
    """(signature, outcome, because, policy_id, policy_sha256) for every truth combination.

    A rule absent from a version has no truth there (NULL, code 1), as in the query.
    """
    position = {rid: i for i, rid in enumerate(rule_ids)}
    rows: dict[str, list[object]] = {k: [] for k in ("signature", "outcome", "because",
                                                     "policy_id", "policy_sha256")}
    for version in versions:
        base = version.version * 3 ** len(rule_ids) + sum(
            3 ** i for rid, i in position.items() if rid not in {r.id for r in version.rules})
        for codes in product(range(3), repeat=len(version.rules)):
            truths = {r.id: _CODES[c] for r, c in zip(version.rules, codes, strict=True)}
            outcome, because, _ = resolve(version, truths)
            rows["signature"].append(base + sum(
                c * 3 ** position[r.id] for r, c in zip(version.rules, codes, strict=True)))
            rows["outcome"].append(outcome.value)
            rows["because"].append(separator.join(because))
            rows["policy_id"].append(version.id)
            rows["policy_sha256"].append(version.sha256)
    return pa.table(rows, schema=pa.schema([
        ("signature", pa.int64()), ("outcome", pa.string()), ("because", pa.string()),
        ("policy_id", pa.string()), ("policy_sha256", pa.string())]))
