"""No policy is harsher than the one it replaces, on any case or any charge: a bounded proof.

A version that names a `baseline` is decided side by side with the baseline's version in
force on the same day, over small imaginary cases, and every case and every charge must come
out no harsher: for a case, decline < divert < needs_review < prosecute; for a charge,
declined < diverted < review < charged. A case either policy leaves out of scope is not
compared (it is not the office's decision under that policy).

The cases: an adult; every charge fact at one value per way the two versions' comparisons
can come out (policy/search.py); no charge, one charge, or two charges whose drug and grade
are known; the scope complete, or top charge only for one charge; money bail, custody and
the prior record either all known to be none or all unknown. Within that bound the search
is exhaustive. Two charges that every charge condition of both versions (each quantifier's
body, each charge rule) treats alike are interchangeable in any case, so one of them stands
for both: this keeps pairs of charges few however many drugs and weights the rules name.
"""

from __future__ import annotations

from itertools import combinations_with_replacement, product

from divert.policy.condition import Condition, Quantified, Quantifier, facts_of
from divert.policy.dispose import dispositions
from divert.policy.evaluate import Facts, Value, evaluate
from divert.policy.explain import Disposition, Outcome, Truth
from divert.policy.model import PolicyVersion
from divert.policy.resolve import resolve
from divert.policy.search import compares_by_fact, constants, domain, in_words, representatives
from divert.policy.whatif import PREFIX

CASE_RANK = {Outcome.DECLINE: 0, Outcome.DIVERT: 1, Outcome.NEEDS_REVIEW: 2,
             Outcome.PROSECUTE: 3}
CHARGE_RANK = {Disposition.DECLINED: 0, Disposition.DIVERTED: 1, Disposition.REVIEW: 2,
               Disposition.CHARGED: 3}
ADULT = 30
_RECORD = ("case.money_bail", "case.held")


def _conditions(version: PolicyVersion) -> list[Condition]:
    return [r.when for r in version.rules] + [
        Quantified(Quantifier.ANY, r.when) for r in version.charge_rules]


def _decide(version: PolicyVersion, facts: Facts) -> tuple[Outcome, tuple[Disposition, ...]]:
    truths = {r.id: evaluate(r.when, facts) for r in version.rules}
    outcome, _, _ = resolve(version, truths)
    return outcome, dispositions(version, outcome, facts)


def _bodies(conditions: list[Condition]) -> list[Condition]:
    """Every condition on one charge: the body of each quantifier."""
    found: list[Condition] = []

    def walk(node: object) -> None:
        if isinstance(node, Quantified):
            found.append(node)
            return
        for child in (*getattr(node, "parts", ()), getattr(node, "part", None)):
            if child is not None:
                walk(child)

    for condition in conditions:
        walk(condition)
    return found


def _distinct(variants: list[dict[str, Value]], bodies: list[Condition]) -> list[dict[str, Value]]:
    """One charge per way the charge conditions can come out together."""
    seen: dict[tuple[Truth, ...], dict[str, Value]] = {}
    # Known values first, so a class stands for itself by a charge pairs may use.
    for variant in sorted(variants, key=lambda v: sum(x is None for x in v.values())):
        one = Facts({}, (variant,))
        seen.setdefault(tuple(evaluate(body, one) for body in bodies), variant)
    return list(seen.values())


def cases(new: PolicyVersion, base: PolicyVersion) -> list[Facts]:
    """The imaginary cases both versions are decided on."""
    conditions = _conditions(new) + _conditions(base)
    mentioned, compares = constants(conditions), compares_by_fact(conditions)
    paths = sorted({p for c in conditions for p in facts_of(c) if not p.startswith(PREFIX)})
    charge_paths = [p for p in paths if p.startswith("charge.")]

    def values(path: str) -> list[Value]:
        return representatives(domain(path, mentioned.get(path, [])), compares.get(path, []))

    variants = _distinct([dict(zip(charge_paths, combo, strict=True))
                          for combo in product(*(values(p) for p in charge_paths))],
                         _bodies(conditions))
    known = [v for v in variants if v.get("charge.drug", "x") is not None
             and v.get("charge.grade", "x") is not None]
    lists = [(), *((v,) for v in variants), *combinations_with_replacement(known, 2)]
    record = [p for p in paths if p.startswith("person.") or p in _RECORD]
    out = []
    for charges in lists:
        scopes = ("complete", "top_charge_only") if len(charges) == 1 else ("complete",)
        for scope, settled in product(scopes, (True, False)):
            scalars: dict[str, Value] = {p: (False if p in _RECORD else 0) if settled else None
                                         for p in record}
            scalars |= {"case.age": ADULT, "case.charge_scope": scope,
                        "case.charge_count": len(charges) if scope == "complete" else None,
                        "case.stage": "charged"}
            scalars |= {p: False for p in paths if p.startswith(PREFIX)}
            out.append(Facts(scalars, tuple(charges)))
    return out


def harsher(new: PolicyVersion, base: PolicyVersion) -> list[str]:
    """Each way `new` is harsher than `base`, as a sentence (at most five); [] when none."""
    found: list[str] = []
    for facts in cases(new, base):
        (n_out, n_charges), (b_out, b_charges) = _decide(new, facts), _decide(base, facts)
        if Outcome.OUT_OF_SCOPE in (n_out, b_out):
            continue
        where = in_words(facts)
        if CASE_RANK[n_out] > CASE_RANK[b_out]:
            found.append(f"{where}: {n_out.value} where {base.id} gives {b_out.value}")
        for i, (n, b) in enumerate(zip(n_charges, b_charges, strict=True)):
            if CHARGE_RANK.get(n, -1) > CHARGE_RANK.get(b, 9):
                found.append(f"{where}: charge {i + 1} is {n.value} where {base.id} has it "
                             f"{b.value}")
        found = list(dict.fromkeys(found))
        if len(found) >= 5:
            break
    return found[:5]
