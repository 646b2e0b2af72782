"""Policy files → Policy values, reporting every mistake at once as `file:line:col: sentence`.

Layout: `<root>/<jurisdiction>/<name>/vN.yaml`, `examples/vN.yaml`, `CHANGELOG.md`. The
shape checked here is the one published in docs/policy.schema.json; the static checks that
need the whole policy (conflicts, unreachable rules, overlaps) are in check.py.

The sha256 recorded with every decision is of a canonical form (JSON of the parsed values,
keys sorted), so re-indenting or re-commenting a file does not change it; a change of
meaning does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from divert.errors import PolicyError, PolicyErrors, UnknownPolicy
from divert.policy import charge_list as lists
from divert.policy import load_legal as legal
from divert.policy.explain import KIND_OUTCOMES, Outcome
from divert.policy.language import parse_condition
from divert.policy.model import Default, Example, Policy, PolicyVersion, Rule, Term
from divert.policy.reader import Reader, load_list, shown
from divert.policy.yamlpos import LocDict, LocList, load_yaml

TOP_KEYS = {
    "id": True, "title": True, "jurisdiction": True, "version": True, "status": True,
    "effective": True, "applies_by": True, "clauses": True, "default": True, "rules": True,
    "supersedes": False, "sources": False, "corrects": False, "baseline": False,
    "assumptions": False, "charge_rules": False, "notes": False, "kind": False,
    "charge_list": False, "terms": False,
}  # fmt: skip
RULE_KEYS = {
    "id": True, "clause": True, "when": True, "outcome": True, "says": True,
    "says_not": False, "overrides": False, "vehicle": False, "bars": False, "approval": False,
    "override_approval": False, "allows": False,
}  # fmt: skip
STATUSES = ("draft", "adopted", "retired")
APPLIES_BY = ("filing_date", "contact_date")
OUTCOMES = tuple(o.value for o in KIND_OUTCOMES["charging"])  # a policy of no stated kind
_RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")
_RECORDED = re.compile(r"sha256 of v(\d+):\s*`?([0-9a-f]{64})")


def _rule(reader: Reader, data: Any, at: tuple[int, int],
          outcomes: tuple[str, ...] = OUTCOMES) -> Rule | None:
    if not isinstance(data, LocDict):
        reader.error("each rule must be a mapping with id, clause, when, outcome and says", at)
        return None
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    reader.keys(data, {**RULE_KEYS, "clause": False}, "the rule", rule_id)  # check.py: clause
    if rule_id is not None and not _RULE_ID.match(rule_id):
        reader.error(f"the rule id '{rule_id}' must be kebab-case (lower case words joined by -)",
                     data.where("id"), rule=rule_id)
    clause = data.get("clause")
    clause_text = "" if clause is None else reader.text(data, "clause", "the clause", rule_id)
    outcome = reader.choice(data, "outcome", outcomes, "the outcome", rule_id)
    says = reader.text(data, "says", "'says'", rule_id) if "says" in data else ""
    says_not = data.get("says_not")
    overrides = data.get("overrides", [])
    if isinstance(overrides, str):
        overrides = [overrides]
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        reader.error("'overrides' must be a list of rule ids", data.where("overrides"),
                     rule=rule_id)
        overrides = []
    when_text = data.get("when")
    condition = None
    if isinstance(when_text, str):
        try:
            condition = parse_condition(when_text)
        except PolicyError as exc:
            line, column = data.where("when")
            reader.error(exc.message, (line, column + max((exc.column or 1) - 1, 0)),
                         rule=rule_id, hint=exc.hint)
    elif "when" in data:
        reader.error("'when' must be a condition written as text", data.where("when"), rule=rule_id)
    vehicle = reader.text(data, "vehicle", "'vehicle'", rule_id) if "vehicle" in data else None
    bars = data.get("bars", [])
    if not isinstance(bars, list) or not all(isinstance(b, str) for b in bars):
        reader.error("'bars' must be a list of vehicle bars, each 'vehicle/bar'",
                     data.where("bars"), rule=rule_id)
        bars = []
    needs = legal.approval(reader, data, "approval", rule_id)
    departing = legal.approval(reader, data, "override_approval", rule_id)
    allows = data.get("allows", [])
    if not isinstance(allows, list) or not all(a in outcomes for a in allows):
        reader.error("'allows' must be a list of outcomes (requests that are no departure)",
                     data.where("allows"), rule=rule_id)
        allows = []
    if rule_id is None or condition is None or outcome is None or not isinstance(when_text, str):
        return None
    return Rule(rule_id, clause_text, condition, when_text.strip(), Outcome(outcome), says,
                says_not if isinstance(says_not, str) else None, tuple(overrides),
                data.position[0], vehicle, tuple(bars), needs, departing,
                tuple(Outcome(a) for a in allows))


def canonical_sha256(data: Any) -> str:
    """sha256 of the canonical JSON of a policy's values (comments and layout ignored).

    >>> canonical_sha256({"b": 1, "a": [1, 2]}) == canonical_sha256({"a": [1, 2], "b": 1})
    True
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_policy_file(path: Path | str) -> PolicyVersion:
    """Read one `vN.yaml`, with its `examples/vN.yaml` when present.

    Raises:
        PolicyErrors: every mistake found, each as `file:line:col: sentence`.
    """
    path = Path(path)
    reader = Reader(shown(path))
    try:
        data = load_yaml(path, reader.path)
    except PolicyError as exc:
        raise PolicyErrors([exc]) from exc
    if not isinstance(data, LocDict):
        reader.error("a policy file must be a mapping of fields (id, title, version, …)", (1, 1))
        raise PolicyErrors(reader.errors)
    version = _version(reader, data, path)
    if reader.errors or version is None:
        raise PolicyErrors(reader.errors)
    return version


def _version(reader: Reader, data: LocDict, path: Path) -> PolicyVersion | None:
    reader.keys(data, TOP_KEYS, "the policy")
    number = data.get("version")
    match = _VERSION_FILE.match(path.name)
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        reader.error("'version' must be a whole number from 1", data.where("version"))
    elif match and int(match.group(1)) != number:
        reader.error(f"the file {path.name} says version {number}; name it v{number}.yaml",
                     data.where("version"))
    status = reader.choice(data, "status", STATUSES, "the status")
    applies_by = reader.choice(data, "applies_by", APPLIES_BY, "'applies_by'")
    start, end = _effective(reader, data)
    clauses, bases = legal.clauses(reader, data)
    kind = reader.choice(data, "kind", tuple(KIND_OUTCOMES), "the kind") \
        if "kind" in data else "charging"
    outcomes = tuple(o.value for o in KIND_OUTCOMES[kind or "charging"])
    default = _default(reader, data, outcomes)
    rules = _rules(reader, data, outcomes)
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        reader.error("'sources' must be a list of {title, href}", data.where("sources"))
        sources = []
    charge_rules = legal.charge_rules(reader, data)
    assumptions = legal.assumptions(reader, data)
    corrects = legal.corrects(reader, data, number)
    baseline = reader.text(data, "baseline", "'baseline'") if "baseline" in data else None
    notes = legal.notes(reader, data)
    charges = _charge_list(reader, data, path)
    rules = _expanded(reader, data, rules, charges)
    terms = _terms(reader, data, outcomes)
    if reader.errors or start is None or default is None or not isinstance(number, int):
        return None
    hashed = data if charges is None else {**data, "\x00charge_list": charges.raw}
    return PolicyVersion(
        id=reader.text(data, "id", "the policy id"), title=reader.text(data, "title", "the title"),
        jurisdiction=reader.text(data, "jurisdiction", "the jurisdiction"), version=number,
        status=status or "", effective_from=start, effective_to=end,
        applies_by=applies_by or "", clauses=clauses, rules=rules, default=default,
        sha256=canonical_sha256(hashed), path=reader.path, sources=tuple(sources),
        examples=_examples(path, number, str(data.get("id"))),
        charge_rules=charge_rules, bases=bases, assumptions=assumptions, corrects=corrects,
        baseline=baseline, notes=notes, kind=kind or "charging", charge_list=charges,
        terms=terms,
    )


def _terms(reader: Reader, data: LocDict, outcomes: tuple[str, ...]) -> dict[str, Term]:
    """`terms: {outcome: {cap_months, average_months, clause}}` of a supervision policy."""
    found = data.get("terms")
    if found is None:
        return {}
    if not isinstance(found, LocDict):
        reader.error("'terms' must map outcomes to {cap_months, average_months, clause}",
                     data.where("terms"))
        return {}
    out = {}
    for name, value in found.items():
        if name not in outcomes or not isinstance(value, LocDict):
            reader.error(f"'terms' names '{name}', which is not an outcome of this policy "
                         "mapped to {cap_months, average_months, clause}", found.key_at(name))
            continue
        reader.keys(value, {"cap_months": True, "average_months": True, "clause": True},
                    f"the term of {name}")
        cap, average = value.get("cap_months"), value.get("average_months")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                   for v in (cap, average)):
            reader.error("cap_months and average_months must be whole months, 0 or more",
                         value.position)
            continue
        assert isinstance(cap, int) and isinstance(average, int)
        out[name] = Term(cap, average, str(value.get("clause", "")))
    return out


def _charge_list(reader: Reader, data: LocDict, path: Path) -> lists.ChargeList | None:
    """The version's `charge_list:` file (beside it), read and checked."""
    if "charge_list" not in data:
        return None
    name = reader.text(data, "charge_list", "'charge_list'")
    file = path.parent / name
    if not file.is_file():
        reader.error(f"the charge list '{name}' is not a file beside {path.name}",
                     data.where("charge_list"))
        return None
    try:
        return lists.read_charge_list(file)
    except PolicyErrors as exc:
        reader.errors.extend(exc.errors)
        return None


def _expanded(reader: Reader, data: LocDict, rules: tuple[Rule, ...],
              charges: lists.ChargeList | None) -> tuple[Rule, ...]:
    """Rules with `listed` / `maybe_listed` replaced by the list's items (charge_list.py)."""
    out = []
    for rule in rules:
        if not lists.mentions_list(rule.when):
            out.append(rule)
            continue
        if charges is None:
            reader.error("the rule reads 'listed' or 'maybe_listed', but the policy names no "
                         "'charge_list'", (rule.line, 1), rule=rule.id)
            continue
        try:
            out.append(replace(rule, when=lists.expand(rule.when, charges)))
        except PolicyError as exc:
            reader.error(exc.message, (rule.line, 1), rule=rule.id)
    return tuple(out)



def _effective(reader: Reader, data: LocDict) -> tuple[date | None, date | None]:
    effective = data.get("effective")
    if not isinstance(effective, LocDict):
        if "effective" in data:
            reader.error("'effective' must be {from: YYYY-MM-DD, to: YYYY-MM-DD}",
                         data.where("effective"))
        return None, None
    reader.keys(effective, {"from": True, "to": False}, "'effective'")
    start = reader.day(effective, "from", "'effective.from'") if "from" in effective else None
    end = reader.day(effective, "to", "'effective.to'") if "to" in effective else None
    if start and end and end < start:
        reader.error(f"'effective.to' ({end}) is before 'effective.from' ({start})",
                     effective.where("to"))
    return start, end


def _default(reader: Reader, data: LocDict,
             outcomes: tuple[str, ...] = OUTCOMES) -> Default | None:
    default = data.get("default")
    if not isinstance(default, LocDict):
        if "default" in data:
            reader.error("'default' must be {outcome, says}", data.where("default"))
        return None
    reader.keys(default, {"outcome": True, "says": True}, "the default")
    outcome = reader.choice(default, "outcome", outcomes, "the default outcome")
    says = reader.text(default, "says", "the default's 'says'")
    return Default(Outcome(outcome), says) if outcome else None


def _rules(reader: Reader, data: LocDict,
           outcomes: tuple[str, ...] = OUTCOMES) -> tuple[Rule, ...]:
    rules = data.get("rules")
    if not isinstance(rules, LocList):
        if "rules" in data:
            reader.error("'rules' must be a list of rules", data.where("rules"))
        return ()
    parsed = (_rule(reader, item, rules.where(i), outcomes) for i, item in enumerate(rules))
    return tuple(rule for rule in parsed if rule is not None)


def _examples(path: Path, number: int, policy_id: str) -> tuple[Example, ...]:
    file = path.parent / "examples" / f"v{number}.yaml"
    if not file.is_file():
        return ()
    reader, data, items = load_list(file, "examples", "an examples file")
    named = data.get("policy", f"{policy_id}@{number}")
    if named != f"{policy_id}@{number}":
        reader.error(f"this file says it holds examples of '{named}', but it sits beside "
                     f"{policy_id}@{number}", data.where("policy"))
    examples = []
    for index, item in enumerate(items):
        at = items.where(index)
        if isinstance(item, LocDict) and reader.keys(item, {"name": True, "case": True,
                                                            "expect": True}, "the example"):
            name = reader.text(item, "name", "the example's name")
            if isinstance(item["case"], dict) and isinstance(item["expect"], dict):
                examples.append(Example(name, item["case"], item["expect"], at[0]))
                continue
            reader.error("'case' and 'expect' must be mappings", at)
        elif not isinstance(item, LocDict):
            reader.error("each example must be a mapping with name, case and expect", at)
    if reader.errors:
        raise PolicyErrors(reader.errors)
    return tuple(examples)


def version_files(root: Path) -> Iterator[Path]:
    """Every `vN.yaml` under `root` (a file, a policy folder or a whole policies folder)."""
    if root.is_file():
        yield root
        return
    for file in sorted(root.rglob("v*.yaml")):
        if _VERSION_FILE.match(file.name) and file.parent.name != "examples":
            yield file


def load_policies(root: Path | None = None) -> dict[str, Policy]:
    """Every policy under `root` (default: resources.policy_root()), by id.

    Raises:
        PolicyErrors: every mistake in every file, and versions of one policy folder
            that disagree on the id.
    """
    from divert.resources import policy_root

    folder = policy_root() if root is None else Path(root)
    if not folder.exists():
        raise PolicyErrors([PolicyError("there is no such file or folder", path=str(folder))])
    errors: list[PolicyError] = []
    versions: dict[str, list[PolicyVersion]] = {}
    for file in version_files(folder):
        try:
            version = load_policy_file(file)
        except PolicyErrors as exc:
            errors.extend(exc.errors)
            continue
        versions.setdefault(version.id, []).append(version)
    for found in versions.values():
        errors.extend(check_recorded(found))
    for policy_id, found in versions.items():
        folders = {Path(v.path).parent for v in found}
        if len(folders) > 1:
            where = ", ".join(sorted(str(f) for f in folders))
            errors.append(PolicyError(f"the policy id '{policy_id}' is used by more than one "
                                      f"folder ({where})", path=found[-1].path, line=1))
    if errors:
        raise PolicyErrors(errors)
    return {pid: Policy(pid, tuple(sorted(vs, key=lambda v: v.version)))
            for pid, vs in sorted(versions.items())}


def find_policy(policy_id: str, policies: dict[str, Policy] | None = None) -> Policy:
    """The policy with this id, from `policies` or the policies folder.

    Raises:
        UnknownPolicy: naming the id and the known ones (every door's one message).
    """
    policies = load_policies() if policies is None else policies
    if policy_id not in policies:
        raise UnknownPolicy(policy_id, sorted(policies))
    return policies[policy_id]


def check_recorded(versions: list[PolicyVersion]) -> list[PolicyError]:
    """Refuse a version whose meaning changed after its sha256 was recorded in CHANGELOG.md.

    Once a version is adopted its sha256 is written in the policy's changelog
    ("sha256 of v1: …"); past versions are never edited, so a different sha256 means the
    file was, and decisions already made under it could no longer be replayed.
    """
    errors: list[PolicyError] = []
    by_folder: dict[Path, list[PolicyVersion]] = {}
    for version in versions:
        by_folder.setdefault(Path(version.path).parent, []).append(version)
    for folder, found in by_folder.items():
        changelog = folder / "CHANGELOG.md"
        if not changelog.is_file():
            continue
        text = changelog.read_text(encoding="utf-8")
        for line_number, line in enumerate(text.splitlines(), start=1):
            for match in _RECORDED.finditer(line):
                number, recorded = int(match.group(1)), match.group(2)
                for version in found:
                    if version.version == number and version.sha256 != recorded:
                        errors.append(PolicyError(
                            f"v{number} no longer matches the sha256 recorded for it "
                            f"({recorded[:12]}…, now {version.sha256[:12]}…); an adopted "
                            "version is never edited",
                            path=shown(changelog), line=line_number,
                            hint=f"undo the edit to v{number}.yaml and put the change in a "
                            "new version"))
    return errors
