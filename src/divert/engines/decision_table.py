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

from divert.engines.dialect import Dialect
from divert.policy import dispose
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


Row = tuple[int, str, str, str, str, str]
COLUMNS = (("signature", "BIGINT"), ("outcome", "STRING"), ("because", "STRING"),
           ("policy_id", "STRING"), ("policy_sha256", "STRING"), ("vehicle", "STRING"))


def decision_rows(versions: Sequence[PolicyVersion], rule_ids: Sequence[str],
                  separator: str) -> tuple[Row, ...]:
    """(signature, outcome, because, policy_id, policy_sha256, vehicle) per truth combination.

    `vehicle` is '' when the outcome is not `divert` (the query reads '' as NULL).

    A rule absent from a version has no truth there (NULL, code 1), as in the query. Plain
    tuples, not Arrow: building an Arrow table from Python values imports pandas, which
    costs more than the whole screening of 100,000 charges.
    """
    position = {rid: i for i, rid in enumerate(rule_ids)}
    rows: list[Row] = []
    for version in versions:
        base = version.version * 3 ** len(rule_ids) + sum(
            3 ** i for rid, i in position.items() if rid not in {r.id for r in version.rules})
        for codes in product(range(3), repeat=len(version.rules)):
            truths = {r.id: _CODES[c] for r, c in zip(version.rules, codes, strict=True)}
            outcome, because, _ = resolve(version, truths)
            signature = base + sum(
                c * 3 ** position[r.id] for r, c in zip(version.rules, codes, strict=True))
            rows.append((signature, outcome.value, separator.join(because), version.id,
                         version.sha256, dispose.vehicle(version, outcome, because) or ""))
    return tuple(rows)


def values_sql(rows: Sequence[Row], dialect: Dialect) -> str:
    """The table as a SQL VALUES list, for engines that take it inline (DuckDB)."""
    body = ", ".join(
        f"({sig}, {dialect.string(o)}, {dialect.string(b)}, {dialect.string(p)}, "
        f"{dialect.string(h)}, {dialect.string(v)})" for sig, o, b, p, h, v in rows)
    names = ", ".join(name for name, _ in COLUMNS)
    return f"(SELECT * FROM (VALUES {body}) AS dt({names}))"
