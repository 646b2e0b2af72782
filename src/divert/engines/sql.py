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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from divert.engines.columns import (
    CASE_ALIAS,
    CHARGE_ALIAS,
    PERSON_ALIAS,
    date_column,
    fact_column,
)
from divert.engines.decision_table import Row, decision_rows, fits, signature_sql
from divert.engines.dialect import DUCKDB, Dialect
from divert.engines.resolution import (
    SEPARATOR,
    because_sql,
    decided_sql,
    outcome_sql,
    vehicle_sql,
)
from divert.errors import PolicyError
from divert.policy import whatif
from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified, Quantifier
from divert.policy.explain import FOLLOWS_OUTCOME, Disposition, Outcome
from divert.policy.model import Policy, PolicyVersion
from divert.policy.select import day_rule, mode_of, spans

TRUTH_PREFIX = "truth:"  # output column per rule id: TRUE, FALSE or NULL (unknown)
BECAUSE_SEPARATOR = SEPARATOR
_OPS = {Op.IS: "=", Op.IS_NOT: "<>", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}




@dataclass(frozen=True, slots=True)
class BatchQuery:
    """The compiled query and how to read its output columns back."""

    sql: str
    rule_ids: tuple[str, ...]  # one `truth:<id>` column each, across all versions
    versions: tuple[PolicyVersion, ...]
    needs: dict[str, frozenset[str]]  # "cases"/"charges"/"persons" -> the columns read
    decisions: tuple[Row, ...] | None = None  # the caller registers them as `decisions`


@dataclass
class _Compiler:
    """Walks conditions; remembers which columns and charge aggregates the query needs."""

    dialect: Dialect
    assume: frozenset[str] = frozenset()  # what-if assumptions switched on (policy/whatif.py)
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
        if node.fact.startswith(whatif.PREFIX):  # a constant for the whole run
            if node.op in (Op.KNOWN, Op.NOT_KNOWN):  # an assumption is always known
                return "TRUE" if node.op is Op.KNOWN else "FALSE"
            on = "TRUE" if node.fact in self.assume else "FALSE"
            return f"({on} {_OPS[node.op]} {self.dialect.literal(node.value)})"
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
            source = f"{col.alias}.{col.column}"
            if node.fact in whatif.fills(self.assume):
                fill = whatif.fill_value(node.fact)
                source = f"COALESCE({source}, {'FALSE' if fill is False else 0})"
            self.columns[f"{col.alias}_{col.column}"] = source
        if node.op in (Op.KNOWN, Op.NOT_KNOWN):
            return f"({ref} IS {'NOT ' if node.op is Op.KNOWN else ''}NULL)"
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


def _version_selector(policy: Policy, on: date | None, past_as_latest: bool) -> str:
    """CASE choosing each case's version: policy/select.py's `day_rule` and `spans`, compiled
    (the same definition `select` applies to one case); NULL when none is in force."""
    rule = day_rule(policy, mode_of(on, past_as_latest), on)
    col = f"DATE '{rule.on.isoformat()}'" if rule.on else f"k.{date_column(rule.column)}"
    if rule.fallback is not None and rule.before is not None:
        col = (f"(CASE WHEN {col} < DATE '{rule.before.isoformat()}' "
               f"THEN DATE '{rule.fallback.isoformat()}' ELSE {col} END)")
    arms = []
    for number, first, last in spans(policy):
        if number not in rule.candidates:
            continue
        test = f"{col} >= DATE '{first.isoformat()}'"
        if last is not None:
            test += f" AND {col} <= DATE '{last.isoformat()}'"
        if rule.fallback is not None and rule.before is None:  # latest: outside → its first day
            test = "TRUE"
        arms.append(f"WHEN {test} THEN {number}")
    return "CASE " + " ".join(arms) + " END" if arms else "CAST(NULL AS INTEGER)"


def _compile_rules(policy: Policy, comp: _Compiler) -> dict[str, str]:
    """Per rule id (first appearance order), its truth as a CASE over the case's version.

    Versions that share a rule's condition share one arm, so a rule unchanged between
    versions is evaluated once per row, not once per version.
    """
    by_expr: dict[str, dict[str, list[int]]] = {}
    for v in policy.live():
        for rule in v.rules:
            try:
                expr = comp.condition(rule.when)
            except PolicyError as exc:
                exc.path, exc.line, exc.rule_id = v.path or exc.path, rule.line, rule.id
                raise
            by_expr.setdefault(rule.id, {}).setdefault(expr, []).append(v.version)
    return {
        rid: "CASE " + " ".join(
            f"WHEN b.v IN ({', '.join(map(str, vs))}) THEN {expr}" for expr, vs in exprs.items()
        ) + " END"
        for rid, exprs in by_expr.items()
    }


def _per_version(versions: Sequence[PolicyVersion], render: Callable[[PolicyVersion], str]) -> str:
    arms = " ".join(f"WHEN {v.version} THEN {render(v)}" for v in versions)
    return f"CASE v {arms} END" if arms else "NULL"


def _needs(comp: _Compiler, policy: Policy, on: date | None) -> dict[str, frozenset[str]]:
    split = [name.split("_", 1) for name in comp.columns]
    case_cols = {column for alias, column in split if alias == CASE_ALIAS}
    person_cols = {column for alias, column in split if alias == PERSON_ALIAS}
    return {
        "cases": frozenset({"case_id", *case_cols}
                           | ({"person_id"} if person_cols else set())
                           | ({date_column(policy.latest().applies_by)} if not on else set())),
        "persons": frozenset({"person_id", *person_cols} if person_cols else ()),
        "charges": frozenset({"case_id", *comp.charge_columns} if comp.charge_columns
                             or comp.agg_sql else ()),
    }


def compile_policy(
    policy: Policy,
    dialect: Dialect = DUCKDB,
    *,
    cases: str = "cases",
    charges: str = "charges",
    persons: str = "persons",
    on: date | None = None,
    past_as_latest: bool = False,
    resolution: str = "auto",
    decisions: str = "decisions",
    assume: frozenset[str] = frozenset(),
) -> BatchQuery:
    """One query screening every case of `cases` against every version of `policy`.

    Table arguments are SQL table expressions (names, views or `read_parquet(...)`).
    Output: case_id, policy_id, policy_version, policy_sha256, outcome, because
    (';'-joined rule ids in file order) and one `truth:<rule id>` column per rule.
    `on` screens every case as if on that date (a "what if"), as inprocess.screen_case does;
    `past_as_latest` screens cases older than the policy under its latest version.
    `resolution` is "table" (a join on engines/decision_table.py's table, which the caller
    registers as `decisions`), "case" (resolution.py's CASE) or "auto" (table when it fits).
    `assume` switches on what-if assumptions (policy/whatif.py), as in-process.
    Also output: `vehicle` (of a divert) and `dispositions`, each charge's in charge order,
    ';'-joined (NULL when no charge rule applies: every charge follows its case).
    """
    d, versions = dialect, policy.live()
    comp = _Compiler(dialect, assume)
    arms = _compile_rules(policy, comp)
    codes_cte, codes_join, codes = _charge_codes(versions, comp, charges)
    t = {rid: f"t{i}" for i, rid in enumerate(arms)}
    needs = _needs(comp, policy, on)
    person_join = (f" LEFT JOIN {persons} p ON p.person_id = k.person_id"
                   if needs["persons"] else "")
    base_cols = "".join(f", {src} AS {name}" for name, src in comp.columns.items())
    agg_cte = agg_join = ""
    if comp.agg_sql:
        agg_cols = "".join(f", {sql} AS {name}" for name, sql in comp.agg_sql.items())
        agg_cte = (f"agg AS (SELECT {CHARGE_ALIAS}.case_id AS case_id{agg_cols} "
                   f"FROM {charges} {CHARGE_ALIAS} GROUP BY {CHARGE_ALIAS}.case_id), ")
        agg_join = " LEFT JOIN agg a ON a.case_id = b.case_id"
    truths = "".join(f", {arms[rid]} AS {t[rid]}" for rid in arms)
    out_truths = "".join(f", {t[rid]} AS {d.ident(TRUTH_PREFIX + rid)}" for rid in arms)
    selector = _version_selector(policy, on, past_as_latest)
    head = (
        f"WITH {agg_cte}"
        f"b AS (SELECT k.case_id AS case_id, {selector} AS v{base_cols} "
        f"FROM {cases} k{person_join}), {codes_cte}"
        f"t AS (SELECT b.case_id AS case_id, b.v AS v{codes}{truths} FROM b{agg_join}"
        f"{codes_join}) "
    )
    if resolution == "table" or (resolution == "auto" and fits(versions)):
        table = decision_rows(versions, list(arms), BECAUSE_SEPARATOR)
        sql = (f"s AS (SELECT t.case_id AS case_id, dt.policy_id AS policy_id, "
               f"t.v AS policy_version, dt.policy_sha256 AS policy_sha256, "
               f"dt.outcome AS outcome, dt.because AS because, "
               f"NULLIF(dt.vehicle, '') AS vehicle, t.codes AS codes{out_truths} FROM t "
               f"LEFT JOIN {decisions} dt ON dt.signature = {signature_sql(t, 't.v')}) "
               f"SELECT {_final_columns(arms, d)} FROM s")
        return BatchQuery(f"{head}, {sql}", tuple(arms), versions, needs, table)
    return BatchQuery(f"{head}, {_resolve_case(versions, t, d, out_truths)}", tuple(arms),
                      versions, needs)


def _final_columns(rule_ids: Iterable[str], d: Dialect) -> str:
    """The output columns, dispositions filled in from the case outcome (dispose.py)."""
    follows = " ".join(f"WHEN {d.string(o.value)} THEN {d.string(FOLLOWS_OUTCOME[o].value)}"
                       for o in Outcome)
    unknown = (f"CASE outcome WHEN {d.string(Outcome.DECLINE.value)} THEN "
               f"{d.string(Disposition.DECLINED.value)} WHEN "
               f"{d.string(Outcome.OUT_OF_SCOPE.value)} THEN "
               f"{d.string(Disposition.OUT_OF_SCOPE.value)} ELSE "
               f"{d.string(Disposition.REVIEW.value)} END")
    settled = (f"CASE WHEN outcome = {d.string(Outcome.OUT_OF_SCOPE.value)} THEN "
               f"{d.string(_FOLLOWS)} ELSE {d.string(Disposition.DECLINED.value)} END")
    dispositions = (f"replace(replace(replace(codes, {d.string(_DECLINED)}, {settled}), "
                    f"{d.string(_UNKNOWN)}, {unknown}), {d.string(_FOLLOWS)}, "
                    f"CASE outcome {follows} END)")
    truths = "".join(f", {d.ident(TRUTH_PREFIX + rid)}" for rid in rule_ids)
    return ("case_id, policy_id, policy_version, policy_sha256, outcome, because, vehicle, "
            f"{dispositions} AS dispositions{truths}")


_DECLINED, _UNKNOWN, _FOLLOWS = "@declined", "@unknown", "@follows"


def _charge_codes(versions: Sequence[PolicyVersion], comp: _Compiler,
                  charges: str) -> tuple[str, str, str]:
    """Per case, each charge's code in charge order: settled by a charge rule, or not.

    Returns (CTE, join, column). Without charge rules no charge is settled on its own, and
    the codes are left NULL: every charge follows its case (batch.py reads it so).
    """
    with_rules = [v for v in versions if v.charge_rules]
    if not with_rules:
        return "", "", f", CAST(NULL AS {comp.dialect.string_type}) AS codes"
    d = comp.dialect
    comp.charge_columns.add("idx")
    arms = []
    for v in with_rules:
        truths = [comp.condition(r.when, in_charge=True) for r in v.charge_rules]
        settled = " ".join(f"WHEN {x} THEN {d.string(_DECLINED)}" for x in truths)
        unknown = " OR ".join(f"({x}) IS NULL" for x in truths)
        arms.append(f"WHEN {v.version} THEN CASE {settled} WHEN {unknown} THEN "
                    f"{d.string(_UNKNOWN)} ELSE {d.string(_FOLLOWS)} END")
    code = f"CASE b.v {' '.join(arms)} ELSE {d.string(_FOLLOWS)} END"
    c = CHARGE_ALIAS
    cte = (f"cd AS (SELECT {c}.case_id AS case_id, "
           f"{d.ordered_join(code, f'{c}.idx', BECAUSE_SEPARATOR)} AS codes "
           f"FROM {charges} {c} JOIN b ON b.case_id = {c}.case_id GROUP BY {c}.case_id), ")
    return cte, " LEFT JOIN cd ON cd.case_id = b.case_id", ", cd.codes AS codes"


def _resolve_case(versions: Sequence[PolicyVersion], t: dict[str, str], d: Dialect,
                  out_truths: str) -> str:
    """The tail of the query resolving with resolution.py's CASE expressions."""
    decided = _per_version(versions, lambda v: decided_sql(v, t, d))
    outcome = _per_version(versions, lambda v: outcome_sql(v, t, "r.d", d))
    because = _per_version(versions, lambda v: because_sql(v, t, "r.d", d))
    vehicle = _per_version(versions, lambda v: vehicle_sql(v, t, "r.o", d))
    pid = _per_version(versions, lambda v: d.string(v.id))
    sha = _per_version(versions, lambda v: d.string(v.sha256))
    return (
        f"r AS (SELECT t.*, {decided} AS d FROM t), "
        f"o AS (SELECT r.*, {outcome} AS o FROM r), "
        f"s AS (SELECT case_id, {pid} AS policy_id, v AS policy_version, "
        f"{sha} AS policy_sha256, o AS outcome, {because} AS because, {vehicle} AS vehicle, "
        f"codes{out_truths} FROM o r) "
        f"SELECT {_final_columns(t, d)} FROM s"
    )
