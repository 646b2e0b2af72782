"""The checks a prosecutor and a defender need before they sign a policy version.

Every clause says where it comes from (a cited source) or that it is this project's
assumption; every `divert` names its legal vehicle, and every bar of that vehicle is applied
by the divert rule itself or by a rule that takes precedence over it, reading the facts the
bar needs; a what-if assumption is read only where the version declares it; every approval
a rule names is one the office knows; charge rules cite clauses the version has.
"""

from __future__ import annotations

from divert.errors import PolicyError, PolicyErrors
from divert.policy.condition import facts_of
from divert.policy.explain import Outcome
from divert.policy.model import PolicyVersion, Rule
from divert.policy.render import is_known_placeholder, placeholders
from divert.policy.resolve import overridden_by
from divert.policy.vehicles import Vehicle, load_vehicles, vehicles_file
from divert.policy.whatif import PREFIX


def _error(version: PolicyVersion, message: str, rule: Rule | None = None,
           hint: str | None = None, line: int | None = None) -> PolicyError:
    at = line if line is not None else (rule.line if rule else 1)
    return PolicyError(message, path=version.path, line=at or None,
                       rule_id=rule.id if rule else None, hint=hint)


def check_legal(version: PolicyVersion) -> list[PolicyError]:
    """Bases, vehicles and bars, assumptions and charge rules of one version."""
    try:
        vehicles = load_vehicles(vehicles_file(version.path)) if version.path else {}
    except PolicyErrors as exc:
        return list(exc.errors)
    return (_bases(version) + _vehicles(version, vehicles) + _assumptions(version)
            + _charge_rules(version) + _notes(version))


def _notes(version: PolicyVersion) -> list[PolicyError]:
    errors = []
    for note in version.notes:
        if note.clause not in version.clauses:
            errors.append(_error(version, f"a note cites clause '{note.clause}', which this "
                                 "version does not have"))
        for name in placeholders(note.says):
            if not is_known_placeholder(name) or name in ("charge", "charges"):
                errors.append(_error(version, f"a note uses {{{name}}}, which cannot be filled "
                                     "in", hint="use a case or person fact"))
    return errors


def _bases(version: PolicyVersion) -> list[PolicyError]:
    return [
        _error(version, f"clause {number} gives no basis: write it as {{text, source}} (where "
               "its words come from) or {text, assumption} (why this project assumes them)")
        for number in version.clauses if number not in version.bases
    ]


def _vehicles(version: PolicyVersion, vehicles: dict[str, Vehicle]) -> list[PolicyError]:
    errors: list[PolicyError] = []
    above = overridden_by(version.rules)
    known = ", ".join(vehicles) or "none (no vehicles.yaml beside the policy folders)"
    by_id = {r.id: r for r in version.rules}
    for rule in version.rules:
        if rule.outcome is Outcome.DIVERT and not rule.vehicle:
            errors.append(_error(version, "diverts but names no vehicle; a divert must say "
                                 f"through what (one of: {known})", rule))
        elif rule.vehicle and rule.outcome is not Outcome.DIVERT:
            errors.append(_error(version, f"names the vehicle '{rule.vehicle}' but its outcome "
                                 f"is {rule.outcome.value}; only a divert has a vehicle", rule))
        elif rule.vehicle and rule.vehicle not in vehicles:
            errors.append(_error(version, f"names the vehicle '{rule.vehicle}', which is not "
                                 f"in vehicles.yaml (it has: {known})", rule))
        for name in rule.bars:
            vehicle_id, _, bar_id = name.partition("/")
            bar = next((b for b in vehicles[vehicle_id].bars if b.id == bar_id), None) \
                if vehicle_id in vehicles else None
            if bar is None:
                errors.append(_error(version, f"applies the bar '{name}', which vehicles.yaml "
                                     "does not have (write it 'vehicle/bar')", rule))
                continue
            missing = [f for f in bar.reads if f not in facts_of(rule.when)]
            if missing:
                errors.append(_error(version, f"applies the bar '{name}' but does not read "
                                     f"{', '.join(missing)}, which that bar needs", rule))
    for rule in version.rules:
        vehicle = vehicles.get(rule.vehicle or "")
        if vehicle is None or rule.outcome is not Outcome.DIVERT:
            continue
        applied = set(rule.bars)
        for other in above[rule.id]:
            applied.update(by_id[other].bars if other in by_id else ())
        for bar in vehicle.bars:
            if f"{vehicle.id}/{bar.id}" not in applied:
                errors.append(_error(
                    version, f"diverts via {vehicle.id} but no rule applies its bar "
                    f"'{bar.id}' ({bar.says})", rule,
                    hint=f"add 'bars: [{vehicle.id}/{bar.id}]' to this rule (its 'when' reading "
                    f"{', '.join(bar.reads)}) or to a rule that overrides it"))
    return errors


def _assumptions(version: PolicyVersion) -> list[PolicyError]:
    errors = []
    for rule in version.rules:
        for fact in facts_of(rule.when):
            if fact.startswith(PREFIX) and fact not in version.assumptions:
                errors.append(_error(version, f"reads the what-if assumption {fact}, which this "
                                     "version does not declare under 'assumptions:'", rule))
    return errors


def _charge_rules(version: PolicyVersion) -> list[PolicyError]:
    errors = []
    ids = [r.id for r in version.rules]
    for rule in version.charge_rules:
        if rule.clause not in version.clauses:
            errors.append(_error(version, f"charge rule '{rule.id}' cites clause "
                                 f"'{rule.clause}', which this version does not have",
                                 line=rule.line))
        if rule.id in ids:
            errors.append(_error(version, f"charge rule '{rule.id}' has the id of a rule; ids "
                                 "must be unique", line=rule.line))
    return errors
