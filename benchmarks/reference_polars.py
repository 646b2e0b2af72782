"""Reference 3: the benchmark policy hand-written in Polars (the peer DuckDB has to beat).

Written by hand for benchmarks/policies/bench-screening only, as a Polars user would: one
lazy query, run by the streaming engine straight into the output Parquet. Truths are Int8
codes (FALSE=0, UNKNOWN=1, TRUE=2; AND=min, OR=max, NOT=2-x). The per-charge codes are
computed once on the few distinct categories (an Enum), not on ten million strings, and the
five charge quantifiers the policy needs are one group-by: `any` is max, `every` is min, and
`any charge is not in X` is 2 - `every charge is in X`. The resolution is vectorized as in
reference_numpy.py (bitmasks of winning and review rules per version) and the bitmask is
mapped to the `because` text through a small table, so no string is built per row.

    .venv/bin/pip install -e '.[bench]'     # Polars is a benchmark-only dependency
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from divert.policy.model import Policy, PolicyVersion
from divert.policy.resolve import overridden_by

POSSESSION = ("simple_possession", "purchase_by_unauthorized", "marijuana_small_amount",
              "paraphernalia")
OUTCOMES = ("divert", "prosecute", "decline", "needs_review")
OUTCOME = pl.Enum(OUTCOMES)
RULE_BITS = 16  # because-mask: bits 0..15 rules (file order), the version above them


def _code(test: pl.Expr) -> pl.Expr:
    """A boolean with NULL for unknown as a truth code: FALSE 0, UNKNOWN 1, TRUE 2."""
    return pl.when(test).then(2).when(test.not_()).then(0).otherwise(1).cast(pl.Int8)


def _at_least(column: str, threshold: int) -> pl.Expr:
    return _code(pl.col(column) >= threshold)


def _charge_quantifiers(charges: pl.LazyFrame) -> pl.LazyFrame:
    """Per case the five charge quantifiers the policy reads, as truth codes."""
    category = pl.col("category")
    pf = ("possession_with_intent_to_deliver", "firearm")
    return charges.group_by("case_id").agg(
        _code(category == "possession_with_intent_to_deliver").max().alias("pwid_any"),
        _code(category.is_in(POSSESSION)).max().alias("poss_any"),
        _code(category.is_in(POSSESSION)).min().alias("poss_every"),
        _code(category == "firearm").max().alias("firearm_any"),
        _code(category.is_in(pf)).max().alias("pf_any"),
    )


def _truths() -> dict[str, pl.Expr]:
    """Every rule's truth code, over the joined case row (no charge: any 0, every 2)."""
    pwid = pl.col("pwid_any").fill_null(0)
    poss_any = pl.col("poss_any").fill_null(0)
    poss_every = pl.col("poss_every").fill_null(2)
    no_pf = 2 - pl.col("pf_any").fill_null(0)
    scope = pl.col("charge_scope")
    complete, top = _code(scope == "complete"), _code(scope == "top_charge_only")
    return {
        "pwid": pwid,
        "possession-only": pl.min_horizontal(complete, poss_any, poss_every),
        "top-charge-possession": pl.min_horizontal(top, poss_any),
        "mixed-charges": pl.min_horizontal(complete, poss_any, 2 - poss_every),
        "firearm": pl.col("firearm_any").fill_null(0),
        "open-diversion": pl.min_horizontal(_at_least("open_diversions", 1), no_pf),
        "repeat-drug-convictions": pl.min_horizontal(_at_least("prior_drug_convictions", 2),
                                                     no_pf, poss_any),
    }


def _resolve(version: PolicyVersion) -> tuple[pl.Expr, pl.Expr]:
    """(outcome code, because-mask) for one version, as reference_numpy.resolve_version."""
    above = overridden_by(version.rules)
    fired = {r.id: pl.col(r.id) == 2 for r in version.rules}
    beaten = {r.id: pl.any_horizontal(*(fired[o] for o in above[r.id])) if above[r.id]
              else pl.lit(False) for r in version.rules}
    win = {r.id: fired[r.id] & beaten[r.id].not_() for r in version.rules}
    decided: pl.Expr = pl.lit(OUTCOMES.index(version.default.outcome.value), pl.Int8)
    for r in reversed(version.rules):  # the first winning rule in file order decides
        decided = pl.when(win[r.id]).then(pl.lit(OUTCOMES.index(r.outcome.value),
                                                 pl.Int8)).otherwise(decided)
    wins = pl.sum_horizontal(*(win[r.id].cast(pl.Int64) * (1 << i)
                               for i, r in enumerate(version.rules)))
    review = pl.sum_horizontal(*(
        ((pl.col(r.id) == 1) & beaten[r.id].not_()
         & (decided != OUTCOMES.index(r.outcome.value))).cast(pl.Int64) * (1 << i)
        for i, r in enumerate(version.rules)))
    outcome = pl.when(review > 0).then(OUTCOMES.index("needs_review")).otherwise(decided)
    mask = pl.when(review > 0).then(review).otherwise(wins) + (version.version << RULE_BITS)
    return outcome.cast(pl.Int8), mask


def _because_table(policy: Policy) -> tuple[list[int], list[str]]:
    """Every possible because-mask of every version and its ';'-joined rule ids."""
    masks, texts = [], []
    for v in policy.versions:
        ids = [r.id for r in v.rules]
        for bits in range(1 << len(ids)):
            masks.append((v.version << RULE_BITS) + bits)
            texts.append(";".join(rid for i, rid in enumerate(ids) if bits >> i & 1))
    return masks, texts


def plan(policy: Policy, folder: Path) -> pl.LazyFrame:
    """The whole screening as one lazy query (nothing is read until it is sunk)."""
    charges = pl.scan_parquet(folder / "charges.parquet").select("case_id", "category")
    cases = pl.scan_parquet(folder / "cases.parquet").select(
        "case_id", "filing_date", "charge_scope", "person_id")
    persons = pl.scan_parquet(folder / "persons.parquet").select(
        "person_id", "open_diversions", "prior_drug_convictions")
    version: pl.Expr = pl.lit(None, pl.Int32)
    for v in sorted(policy.live(), key=lambda v: v.version):  # the newest in force governs
        test = pl.col("filing_date") >= v.effective_from
        if v.effective_to is not None:
            test = test & (pl.col("filing_date") <= v.effective_to)
        version = pl.when(test).then(pl.lit(v.version, pl.Int32)).otherwise(version)
    truths = _truths()
    rules = {v.version: [r.id for r in v.rules] for v in policy.versions}
    outcome: pl.Expr = pl.lit(None, pl.Int8)
    mask: pl.Expr = pl.lit(None, pl.Int64)
    for v in policy.versions:
        o, m = _resolve(v)
        outcome = pl.when(pl.col("policy_version") == v.version).then(o).otherwise(outcome)
        mask = pl.when(pl.col("policy_version") == v.version).then(m).otherwise(mask)
    masks, texts = _because_table(policy)
    because = pl.Enum(sorted(set(texts)))
    out_truths = []
    for rid in truths:
        versions = [n for n, ids in rules.items() if rid in ids]
        out_truths.append(pl.when(pl.col("policy_version").is_in(versions)
                                  & (pl.col(rid) != 1)).then(pl.col(rid) == 2)
                          .alias(f"truth:{rid}"))
    return (
        cases.join(_charge_quantifiers(charges), on="case_id", how="left")
        .join(persons, on="person_id", how="left")
        .select("case_id", version.alias("policy_version"),
                *(expr.alias(rid) for rid, expr in truths.items()))
        .select(
            "case_id", "policy_version",
            pl.lit(pl.Series(OUTCOMES, dtype=OUTCOME)).gather(outcome).alias("outcome"),
            mask.replace_strict(masks, pl.Series(texts, dtype=because),
                                return_dtype=because).alias("because"),
            *out_truths,
        )
    )


def screen_polars(policy: Policy, folder: Path, out: Path) -> None:
    """Screen one benchmark folder into `out` (Parquet), streamed."""
    plan(policy, folder).sink_parquet(out)
