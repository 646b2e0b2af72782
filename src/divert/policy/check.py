"""Static checks of a loaded policy: the mistakes a lawyer must fix before a case is screened.

Reported as `file:line: plain sentence`: a rule without a clause or citing a missing one;
a duplicate rule id; an `overrides` naming a missing rule, or a cycle; a placeholder that
cannot be filled; two rules that can fire together with different outcomes and no
precedence between them; a rule that can never fire; a rule no example exercises; versions
whose dates overlap. Conflicts and unreachable rules are found by the bounded model search
of policy/search.py (its docstring states the bound). Names and values are checked when the
file is loaded (policy/load.py), so a policy that reaches here already parses.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

from divert.errors import DivertError, PolicyError
from divert.policy.check_legal import check_legal
from divert.policy.condition import facts_of
from divert.policy.evaluate import evaluate
from divert.policy.explain import Truth
from divert.policy.harsher import harsher
from divert.policy.model import Policy, PolicyVersion, Rule
from divert.policy.render import is_known_placeholder, placeholders
from divert.policy.resolve import overridden_by
from divert.policy.search import MAX_CHARGES, MAX_MODELS, in_words, models, space
from divert.policy.select import select_version


def _error(version: PolicyVersion, message: str, rule: Rule | None = None,
           line: int | None = None, hint: str | None = None) -> PolicyError:
    at = line if line is not None else (rule.line if rule else 1)
    return PolicyError(message, path=version.path, line=at or None,
                       rule_id=rule.id if rule else None, hint=hint)


def check_rules(version: PolicyVersion) -> list[PolicyError]:
    """Clauses, ids, overrides and placeholders of one version."""
    errors: list[PolicyError] = []
    ids = [rule.id for rule in version.rules]
    numbers = ", ".join(version.clauses) or "none"
    for rule in version.rules:
        if not rule.clause:
            errors.append(_error(version, "has no clause; every rule must name the clause it "
                                 "implements", rule))
        elif rule.clause not in version.clauses:
            errors.append(_error(version, f"cites clause '{rule.clause}', which this version "
                                 f"does not have (it has {numbers})", rule))
        if ids.count(rule.id) > 1 and ids.index(rule.id) != version.rules.index(rule):
            errors.append(_error(version, "this rule id is used twice; rule ids must be unique",
                                 rule))
        for target in rule.overrides:
            if target not in ids:
                errors.append(_error(version, f"overrides '{target}', but there is no rule "
                                     "with that id", rule))
        for text in (rule.says, rule.says_not or ""):
            for name in placeholders(text):
                if not is_known_placeholder(name):
                    errors.append(_error(version, f"the sentence uses {{{name}}}, which cannot "
                                         "be filled in", rule,
                                         hint="use {charge}, {charges} or a case or person fact"))
    for rule in version.rules:
        if _in_cycle(rule.id, version.rules):
            errors.append(_error(version, "its 'overrides' lead back to itself (a cycle); "
                                 "precedence must go one way", rule))
    return errors


def _in_cycle(rule_id: str, rules: tuple[Rule, ...]) -> bool:
    edges = {r.id: set(r.overrides) for r in rules}
    stack, seen = list(edges.get(rule_id, ())), set()
    while stack:
        current = stack.pop()
        if current == rule_id:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, ()))
    return False


def check_logic(version: PolicyVersion) -> list[PolicyError]:
    """Conflicts and rules that never fire, by the bounded model search.

    A rule's truth depends only on the facts it reads, so whether it can fire is searched
    over its own facts, and whether two rules clash over the facts of the two: far fewer
    cases than the facts of the whole version, and the same answers.
    """
    rules = version.rules
    above = overridden_by(rules)
    errors: list[PolicyError] = []
    for rule in rules:
        size = space(version, [rule.when]).size
        if size > MAX_MODELS:
            errors.append(_error(version, f"reads too many facts to search every case "
                                 f"({size:,} cases > {MAX_MODELS:,}); simplify it", rule))
        elif not any(evaluate(rule.when, m) is Truth.TRUE for m in models(version, [rule.when])):
            errors.append(_error(version, f"can never fire: no case of up to {MAX_CHARGES} "
                                 f"charges makes '{rule.when_text}' true", rule))
    for a, b in combinations(rules, 2):
        same = (a.outcome, a.vehicle) == (b.outcome, b.vehicle)
        if same or a.id in above[b.id] or b.id in above[a.id]:
            continue
        pair = [a.when, b.when]
        size = space(version, pair).size
        if size > MAX_MODELS:
            errors.append(_error(version, f"cannot be checked against rule '{a.id}': together "
                                 f"they read too many facts ({size:,} cases > {MAX_MODELS:,})", b))
            continue
        for model in models(version, pair):
            if evaluate(a.when, model) is Truth.TRUE and evaluate(b.when, model) is Truth.TRUE:
                example = in_words(model, (*facts_of(a.when), *facts_of(b.when)))
                errors.append(_error(
                    version, f"conflicts with rule '{a.id}' (line {a.line}): both fire for "
                    f"{example}, giving {_result(b)} and {_result(a)}", b,
                    hint=f"add 'overrides: [{a.id}]' to the rule that should win, or narrow a "
                    "'when'"))
                break
    return errors


def _result(rule: Rule) -> str:
    return f"{rule.outcome.value} via {rule.vehicle}" if rule.vehicle else rule.outcome.value


def check_examples(version: PolicyVersion) -> list[PolicyError]:
    """Every rule must be exercised by an example that expects it among `because`."""
    exercised: set[str] = set()
    for example in version.examples:
        because = example.expect.get("because") or []
        exercised.update(str(b) for b in because)
    errors = [
        _error(version, "no example exercises this rule; add one to "
               f"examples/v{version.version}.yaml whose 'because' lists it", rule)
        for rule in version.rules if rule.id not in exercised
    ]
    known = {rule.id for rule in version.rules}
    for example in version.examples:
        for name in example.expect.get("because") or []:
            if name not in known:
                errors.append(PolicyError(
                    f"example '{example.name}' expects rule '{name}', which this version does "
                    "not have", path=version.path.replace(f"v{version.version}.yaml",
                                                          f"examples/v{version.version}.yaml"),
                    line=example.line or None))
    return errors


def check_versions(policy: Policy) -> list[PolicyError]:
    """Versions of one policy: distinct numbers, one id, and no two in force on the same day."""
    errors: list[PolicyError] = []
    seen: dict[int, PolicyVersion] = {}
    for version in policy.versions:
        if version.version in seen:
            errors.append(_error(version, f"version {version.version} is also defined in "
                                 f"{seen[version.version].path}"))
        seen[version.version] = version
    for a, b in combinations(policy.live(), 2):
        a_end, b_end = a.effective_to, b.effective_to
        if (a_end is None or b.effective_from <= a_end) and \
                (b_end is None or a.effective_from <= b_end):
            later = max(a, b, key=lambda v: v.version)
            earlier = a if later is b else b
            first_day = max(a.effective_from, b.effective_from).isoformat()
            errors.append(_error(later, f"v{later.version}'s dates overlap v{earlier.version}'s "
                                 f"(both in force on {first_day}); end v{earlier.version} "
                                 f"with 'to:' the day before v{later.version} starts"))
    return errors


def check_policy(policy: Policy, others: Mapping[str, Policy] | None = None) -> list[PolicyError]:
    """Every static mistake in every version of `policy`, in file order.

    A version a later one `corrects` is kept for the record and never selected: it is
    checked as it was when recorded, without the legal checks added since (check_legal.py).
    `others` (every policy, by id) lets a version be checked against its `baseline`.
    """
    errors = check_versions(policy)
    live = {v.version for v in policy.live()}
    for version in policy.versions:
        errors += check_rules(version)
        errors += check_logic(version)
        errors += check_examples(version)
        if version.version in live:
            errors += check_legal(version)
            if version.baseline and others is not None:
                errors += check_baseline(version, others)
    return errors


def check_baseline(version: PolicyVersion, others: Mapping[str, Policy]) -> list[PolicyError]:
    """The version is no harsher than its baseline on any case or charge (policy/harsher.py)."""
    base = others.get(version.baseline or "")
    if base is None:
        return [_error(version, f"names the baseline '{version.baseline}', which is not a "
                       f"policy here (there are: {', '.join(sorted(others))})")]
    try:
        base_version = select_version(base, version.effective_from)
    except DivertError as error:
        return [_error(version, f"its baseline cannot be compared: {error}")]
    return [_error(version, f"is harsher than its baseline {base.id} v{base_version.version} "
                   f"for {finding}", hint="decline or divert what the baseline does, or say "
                   "why not in a new baseline")
            for finding in harsher(version, base_version)]
