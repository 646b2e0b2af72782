"""A parsed policy compiled to one SQL query over the columnar layout, for every batch engine.

Why SQL: DuckDB and Spark both plan and vectorize it, and three-valued logic is SQL's own
(NULL is UNKNOWN; AND, OR and NOT are Kleene's). The query selects each case's version by its
date, computes every rule's truth, and resolves outcome and `because` in a CASE per version
(engines/resolution.py), so nothing is post-processed row by row in Python.

Quantifiers over charges become aggregates: a charge's truth is coded FALSE=0 < UNKNOWN=1 <
TRUE=2, so Kleene `any` is MAX and `every` is MIN; a case with no charges has no group, and
COALESCE gives `any` FALSE and `every` TRUE, as condition.py says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from divert.engines.columns import CHARGE_ALIAS, date_column, fact_column
from divert.engines.dialect import DUCKDB, Dialect
from divert.engines.resolution import because_sql, outcome_sql
from divert.errors import PolicyError
from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified, Quantifier
from divert.policy.model import Policy, PolicyVersion

TRUTH_PREFIX = "truth:"  # output column per rule id: TRUE, FALSE or NULL (unknown)
BECAUSE_SEPARATOR = ";"
_OPS = {Op.IS: "=", Op.IS_NOT: "<>", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}




@dataclass(frozen=True, slots=True)
class BatchQuery:
    """The compiled query and how to read its output columns back."""

    sql: str
    rule_ids: tuple[str, ...]  # one `truth:<id>` column each, across all versions
    versions: tuple[PolicyVersion, ...]
    needs: dict[str, frozenset[str]]  # "cases"/"charges"/"persons" -> the columns read


@dataclass
class _Compiler:
    """Walks conditions; remembers which columns and charge aggregates the query needs."""

    dialect: Dialect
    columns: dict[str, str] = field(default_factory=dict)  # base-column name -> k.col / p.col
    aggregates: dict[tuple[str, Condition], str] = field(default_factory=dict)
    agg_sql: dict[str, str] = field(default_factory=dict)  # aggregate name -> SQL
    charge_columns: set[str] = field(default_factory=set)

    def condition(self, node: Condition, *, in_charge: bool = False) -> str:
        match node:
            case Compare():
                return self._compare(node, in_charge)
            case Quantified(quantifier=q, body=body):
                if in_charge:
                    raise PolicyError("a quantifier inside a quantifier", column=node.column)
                fn = "min" if q is Quantifier.EVERY else "max"
                code = f"COALESCE(CAST(({self.condition(body, in_charge=True)}) AS INTEGER)*2, 1)"
                empty = 2 if q is Quantifier.EVERY else 0
                name = self.aggregates.setdefault((fn, body), f"q{len(self.aggregates)}")
                self.agg_sql[name] = f"{fn}({code})"
                wanted = 0 if q is Quantifier.NO else 2
                # A case with no charges has no group: COALESCE gives it the empty answer.
                return f"(NULLIF(COALESCE(a.{name}, {empty}), 1) = {wanted})"
            case And(parts=parts):
                return self._join(" AND ", parts, in_charge)
            case Or(parts=parts):
                return self._join(" OR ", parts, in_charge)
            case Not(part=part):
                return f"(NOT {self.condition(part, in_charge=in_charge)})"
        raise PolicyError(f"unknown condition node {node!r}")

    def _join(self, op: str, parts: tuple[Condition, ...], in_charge: bool) -> str:
        if not parts:  # an empty AND is TRUE, an empty OR is FALSE
            return "TRUE" if op == " AND " else "FALSE"
        return "(" + op.join(self.condition(p, in_charge=in_charge) for p in parts) + ")"

    def _compare(self, node: Compare, in_charge: bool) -> str:
        col = fact_column(node.fact)
        if col.is_charge != in_charge:
            where = "inside" if in_charge else "outside"
            raise PolicyError(f"fact '{node.fact}' cannot be read {where} a charge quantifier",
                              column=node.column)
        if col.is_charge:
            ref = f"{CHARGE_ALIAS}.{col.column}"
            self.charge_columns.add(col.column)
        else:
            ref = f"b.{col.alias}_{col.column}"
            self.columns[f"{col.alias}_{col.column}"] = f"{col.alias}.{col.column}"
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        if node.op in (Op.IN, Op.NOT_IN):
            if not values:  # membership in nothing: FALSE (or TRUE for `not in`) when known
                known = "FALSE" if node.op is Op.IN else "TRUE"
                return f"(CASE WHEN {ref} IS NULL THEN NULL ELSE {known} END)"
            listed = ", ".join(self.dialect.literal(v) for v in values)
            neg = "NOT " if node.op is Op.NOT_IN else ""
            return f"({ref} {neg}IN ({listed}))"
        if len(values) != 1:
            raise PolicyError(f"'{node.op.value}' compares with one value, not {len(values)}",
                              column=node.column)
        return f"({ref} {_OPS[node.op]} {self.dialect.literal(values[0])})"


def _version_selector(versions: Sequence[PolicyVersion], d: Dialect) -> str:
    """CASE choosing each case's version by its own date column; NULL when none is in force."""
    arms = []
    for v in sorted(versions, key=lambda v: v.version, reverse=True):
        col = f"k.{date_column(v.applies_by)}"
        test = f"{col} >= DATE '{v.effective_from.isoformat()}'"
        if v.effective_to is not None:
            test += f" AND {col} <= DATE '{v.effective_to.isoformat()}'"
        arms.append(f"WHEN {test} THEN {v.version}")
    return "CASE " + " ".join(arms) + " END" if arms else "CAST(NULL AS INTEGER)"


def compile_policy(
    policy: Policy,
    dialect: Dialect = DUCKDB,
    *,
    cases: str = "cases",
    charges: str = "charges",
    persons: str = "persons",
) -> BatchQuery:
    """One query screening every case of `cases` against every version of `policy`.

    Table arguments are SQL table expressions (names, views or `read_parquet(...)`).
    Output: case_id, policy_id, policy_version, policy_sha256, outcome, because
    (';'-joined rule ids in file order) and one `truth:<rule id>` column per rule.
    """
    versions = tuple(policy.versions)
    comp = _Compiler(dialect)
    rule_ids: list[str] = []
    arms: dict[str, list[str]] = {}
    for v in versions:
        for rule in v.rules:
            if rule.id not in arms:
                rule_ids.append(rule.id)
                arms[rule.id] = []
            try:
                expr = comp.condition(rule.when)
            except PolicyError as exc:
                exc.path, exc.line, exc.rule_id = v.path or exc.path, rule.line, rule.id
                raise
            arms[rule.id].append(f"WHEN {v.version} THEN {expr}")
    truth_names = {rid: f"t{i}" for i, rid in enumerate(rule_ids)}
    d = dialect
    person_join = (f" LEFT JOIN {persons} p ON p.person_id = k.person_id"
                   if any(src.startswith("p.") for src in comp.columns.values()) else "")
    base_cols = "".join(f", {src} AS {name}" for name, src in comp.columns.items())
    aggs = comp.agg_sql
    agg_cte, agg_join = "", ""
    needs = {
        "cases": frozenset({"case_id", "person_id"} if person_join else {"case_id"})
        | {date_column(v.applies_by) for v in versions}
        | {src[2:] for src in comp.columns.values() if src.startswith("k.")},
        "persons": frozenset({"person_id"} | {src[2:] for src in comp.columns.values()
                                              if src.startswith("p.")} if person_join else ()),
        "charges": frozenset({"case_id"} | comp.charge_columns if aggs else ()),
    }
    if aggs:
        agg_cols = "".join(f", {sql} AS {name}" for name, sql in aggs.items())
        agg_cte = (f"agg AS (SELECT {CHARGE_ALIAS}.case_id AS case_id{agg_cols} "
                   f"FROM {charges} {CHARGE_ALIAS} GROUP BY {CHARGE_ALIAS}.case_id), ")
        agg_join = " LEFT JOIN agg a ON a.case_id = b.case_id"
    truths = "".join(
        f", CASE b.v {' '.join(arms[rid])} END AS {truth_names[rid]}" for rid in rule_ids
    )
    by_version = {v.version: v for v in versions}

    def per_version(render: dict[int, str]) -> str:
        return "CASE v " + " ".join(f"WHEN {n} THEN {s}" for n, s in render.items()) + " END"

    outcome = per_version({n: outcome_sql(v, truth_names, d) for n, v in by_version.items()})
    because = per_version({n: because_sql(v, truth_names, d) for n, v in by_version.items()})
    pid = per_version({n: d.string(v.id) for n, v in by_version.items()})
    sha = per_version({n: d.string(v.sha256) for n, v in by_version.items()})
    out_truths = "".join(
        f", {truth_names[rid]} AS {d.ident(TRUTH_PREFIX + rid)}" for rid in rule_ids
    )
    sql = (
        f"WITH {agg_cte}"
        f"b AS (SELECT k.case_id AS case_id, {_version_selector(versions, d)} AS v{base_cols} "
        f"FROM {cases} k{person_join}), "
        f"t AS (SELECT b.case_id AS case_id, b.v AS v{truths} FROM b{agg_join}) "
        f"SELECT case_id, {pid} AS policy_id, v AS policy_version, {sha} AS policy_sha256, "
        f"{outcome} AS outcome, {because} AS because{out_truths} FROM t"
    )
    return BatchQuery(sql, tuple(rule_ids), versions, needs)
