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
from datetime import date
from pathlib import Path
from typing import Any

from divert.errors import PolicyError, PolicyErrors, UnknownPolicy
from divert.policy import charge_list as lists
from divert.policy import load_legal as legal
from divert.policy import load_rules
from divert.policy.explain import KIND_OUTCOMES
from divert.policy.model import Example, Policy, PolicyVersion
from divert.policy.reader import Reader, load_list, shown
from divert.policy.yamlpos import LocDict, load_yaml

TOP_KEYS = {
    "id": True, "title": True, "jurisdiction": True, "version": True, "status": True,
    "effective": True, "applies_by": True, "clauses": True, "default": True, "rules": True,
    "supersedes": False, "sources": False, "corrects": False, "baseline": False,
    "assumptions": False, "charge_rules": False, "notes": False, "kind": False,
    "charge_list": False, "terms": False,
}  # fmt: skip
STATUSES = ("draft", "adopted", "retired")
APPLIES_BY = ("filing_date", "contact_date")
_VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")
_RECORDED = re.compile(r"sha256 of v(\d+):\s*`?([0-9a-f]{64})")


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
    default = load_rules.default(reader, data, outcomes)
    rules = load_rules.rules(reader, data, outcomes)
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
    rules = load_rules.expanded(reader, data, rules, charges)
    terms = load_rules.terms(reader, data, outcomes)
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
