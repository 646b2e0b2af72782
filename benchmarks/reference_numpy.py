"""Reference 2: a hand-written numpy pass over the same columns (the practical floor).

Written by hand for benchmarks/policies/bench-screening only: each condition is spelled out
as array arithmetic over truth codes (FALSE=0, UNKNOWN=1, TRUE=2; AND=min, OR=max,
NOT=2-x); quantifiers are per-case counts with np.bincount; the resolution is vectorized.
It reads the same Parquet and writes the same output columns as the engines.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from divert.policy.model import Policy, PolicyVersion
from divert.policy.resolve import overridden_by

POSSESSION = ("simple_possession", "purchase_by_unauthorized", "marijuana_small_amount",
              "paraphernalia")
OUTCOMES = ("divert", "prosecute", "decline", "needs_review")


def _codes(flags: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, flags.astype(np.int8) * 2, 1).astype(np.int8)


def _quantify(case_idx: np.ndarray, codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(any, every) per case from per-charge codes."""
    n2 = np.bincount(case_idx, weights=codes == 2, minlength=n)
    n1 = np.bincount(case_idx, weights=codes == 1, minlength=n)
    n0 = np.bincount(case_idx, weights=codes == 0, minlength=n)
    any_ = np.where(n2 > 0, 2, np.where(n1 > 0, 1, 0)).astype(np.int8)
    every = np.where(n0 > 0, 0, np.where(n1 > 0, 1, 2)).astype(np.int8)
    return any_, every


def _at_least(values: pa.ChunkedArray, threshold: int) -> np.ndarray:
    known = ~values.is_null().to_numpy(zero_copy_only=False)
    filled = values.fill_null(0).to_numpy()
    return _codes(filled >= threshold, known)


def truths(folder: Path) -> tuple[pa.Array, np.ndarray, dict[str, np.ndarray]]:
    cases = pq.read_table(folder / "cases.parquet",
                          columns=["case_id", "filing_date", "charge_scope", "person_id"])
    charges = pq.read_table(folder / "charges.parquet", columns=["case_id", "category"])
    persons = pq.read_table(folder / "persons.parquet")
    n = cases.num_rows
    case_idx = pc.index_in(charges["case_id"], value_set=cases["case_id"]).to_numpy()
    cat = charges["category"].combine_chunks().dictionary_encode()
    words = np.array(cat.dictionary.to_pylist(), dtype=object)
    idx = cat.indices.fill_null(0).to_numpy()
    known = ~cat.indices.is_null().to_numpy(zero_copy_only=False)

    def per_charge(test: np.ndarray) -> np.ndarray:
        return _codes(test[idx], known)

    pwid_any, _ = _quantify(case_idx, per_charge(words == "possession_with_intent_to_deliver"), n)
    is_poss = np.isin(words, POSSESSION)
    poss_any, poss_every = _quantify(case_idx, per_charge(is_poss), n)
    notposs_any, _ = _quantify(case_idx, per_charge(~is_poss), n)
    firearm_any, _ = _quantify(case_idx, per_charge(words == "firearm"), n)
    pf_any, _ = _quantify(case_idx, per_charge(np.isin(words, ("possession_with_intent_to_deliver",
                                                               "firearm"))), n)
    scope = cases["charge_scope"]
    scope_known = ~scope.is_null().to_numpy(zero_copy_only=False)
    complete = _codes(pc.equal(scope, "complete").fill_null(False).to_numpy(), scope_known)
    top = _codes(pc.equal(scope, "top_charge_only").fill_null(False).to_numpy(), scope_known)
    person = pc.index_in(cases["person_id"], value_set=persons["person_id"])
    open_div = _at_least(persons["open_diversions"].take(person), 1)
    priors = _at_least(persons["prior_drug_convictions"].take(person), 2)
    t = {
        "pwid": pwid_any,
        "possession-only": np.minimum(np.minimum(complete, poss_any), poss_every),
        "top-charge-possession": np.minimum(top, poss_any),
        "mixed-charges": np.minimum(np.minimum(complete, poss_any), notposs_any),
        "firearm": firearm_any,
        "open-diversion": np.minimum(open_div, 2 - pf_any),
        "repeat-drug-convictions": np.minimum(np.minimum(priors, 2 - pf_any), poss_any),
    }
    days = pc.cast(cases["filing_date"], pa.int32()).fill_null(-1).to_numpy()
    return cases["case_id"], days, t


def resolve_version(version: PolicyVersion, t: dict[str, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Outcome codes and `because` bitmasks (bit i = i-th rule in file order) for one version."""
    above = overridden_by(version.rules)
    n = len(next(iter(t.values())))
    fired = {r.id: t[r.id] == 2 for r in version.rules}
    beaten = {r.id: np.zeros(n, bool) for r in version.rules}
    for r in version.rules:
        for o in above[r.id]:
            beaten[r.id] |= fired[o]
    decided = np.full(n, OUTCOMES.index(version.default.outcome.value), np.int8)
    wins = np.zeros(n, np.int64)
    for i, r in reversed(list(enumerate(version.rules))):
        win = fired[r.id] & ~beaten[r.id]
        decided = np.where(win, OUTCOMES.index(r.outcome.value), decided)
        wins |= win.astype(np.int64) << i
    review = np.zeros(n, np.int64)
    for i, r in enumerate(version.rules):
        matters = (t[r.id] == 1) & ~beaten[r.id] & (decided != OUTCOMES.index(r.outcome.value))
        review |= matters.astype(np.int64) << i
    outcome = np.where(review > 0, OUTCOMES.index("needs_review"), decided)
    return outcome, np.where(review > 0, review, wins)


def screen_numpy(policy: Policy, folder: Path, out: Path) -> int:
    case_id, days, t = truths(folder)
    epoch = date(1970, 1, 1)
    version_of = np.zeros(len(days), np.int8)
    for v in policy.versions:
        start = (v.effective_from - epoch).days
        end = (v.effective_to - epoch).days if v.effective_to else np.iinfo(np.int32).max
        version_of = np.where((days >= start) & (days <= end), v.version, version_of)
    outcome = np.full(len(days), -1, np.int8)
    because = np.zeros(len(days), np.int64)
    for v in policy.versions:
        o, b = resolve_version(v, t)
        outcome = np.where(version_of == v.version, o, outcome)
        because = np.where(version_of == v.version, b + (v.version << 32), because)
    masks, inverse = np.unique(because, return_inverse=True)
    rules = {v.version: [r.id for r in v.rules] for v in policy.versions}
    text = [";".join(r for i, r in enumerate(rules.get(int(m) >> 32, [])) if (int(m) >> i) & 1)
            for m in masks]
    none = version_of == 0
    columns = {
        "case_id": case_id,
        "policy_version": pa.array(version_of.astype(np.int32), mask=none),
        "outcome": pa.array(np.array(OUTCOMES, dtype=object)[outcome], mask=none),
        "because": pa.array(text, pa.string()).take(pa.array(inverse)).to_numpy(
            zero_copy_only=False),
    }
    for rid, codes in t.items():
        in_version = np.isin(version_of, [v.version for v in policy.versions
                                          if rid in rules[v.version]])
        columns[f"truth:{rid}"] = pa.array(codes == 2, mask=(codes == 1) | ~in_version)
    columns["because"] = pa.array(columns["because"], mask=none)
    pq.write_table(pa.table(columns), out)
    return len(days)
