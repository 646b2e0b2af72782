"""The reference engine: screens plain Case values in this process and explains each decision.

Steps for one case: pick the version in force on the case date (`applies_by`), read every
written charge through the catalog normalizer, lay out the facts (policy/facts.py), give
every rule its three-valued truth (policy/evaluate.py), decide (policy/resolve.py), and
render each rule's sentence. Pure: no clock, no database, no I/O.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from divert.catalog.model import Match, Reading
from divert.model.case import Case, ChargeScope
from divert.policy import dispose, whatif
from divert.policy.evaluate import Facts, Value, evaluate, witnesses
from divert.policy.explain import ChargeFinding, Decision, Outcome, RuleResult, Truth
from divert.policy.facts import FACTS
from divert.policy.model import Policy, PolicyVersion, Rule
from divert.policy.render import render
from divert.policy.resolve import resolve
from divert.policy.select import mode_of, select

ENGINE = "inprocess"
TOP_CHARGE_NOTE = (
    "Only the most serious charge was published; other charges, if any, are not known."
)


@lru_cache(maxsize=1)
def _catalog_version() -> str:
    from divert.catalog.normalize import default_catalog

    return str(default_catalog().version)


@lru_cache(maxsize=65536)
def _read(as_written: str, citation: str | None) -> Reading:
    from divert.catalog.normalize import normalize_charge

    return normalize_charge(as_written, citation)


def _finding(index: int, reading: Reading, catalog: str) -> ChargeFinding:
    if isinstance(reading, Match):
        return ChargeFinding(index, reading.as_written, str(reading.citation),
                             reading.category.value, reading.matched_by.value,
                             round(reading.confidence, 3), catalog,
                             inchoate=reading.inchoate.value if reading.inchoate else None)
    candidates = tuple(str(o.citation) for o in reading.candidates)
    # The statute read stays on the finding even when no category follows from it.
    cited = str(reading.citation) if reading.citation else None
    return ChargeFinding(index, reading.as_written, cited, None, "unknown", 0.0, catalog,
                         reading.reason, candidates)


def readings_of(case: Case) -> tuple[Reading, ...]:
    return tuple(_read(c.as_written, c.citation) for c in case.charges)


def read_charges(case: Case) -> tuple[ChargeFinding, ...]:
    """How each written charge of `case` was read: citation, category, how and how surely."""
    catalog = _catalog_version()
    return tuple(_finding(i, r, catalog) for i, r in enumerate(readings_of(case)))


def offense_name(matched: Match | None) -> str | None:
    """The named offense of a read charge (catalog offense_names.yaml); None if unread."""
    from divert.catalog.offense_names import default_offense_names

    if matched is None:
        return None
    return default_offense_names().name_of(matched.offense.citation)


def case_facts(case: Case, readings: tuple[Reading, ...],
               assume: frozenset[str] = frozenset()) -> Facts:
    """The facts of policy/facts.py for one case; None wherever the data does not say.

    `assume` switches on what-if assumptions (policy/whatif.py); a live decision has none.
    """
    person = case.person
    scalars: dict[str, Value] = {
        "case.charge_scope": case.charge_scope.value,
        "case.stage": case.stage.value,
        # With only the top charge published, how many charges the case has is not known.
        "case.charge_count": len(case.charges)
        if case.charge_scope is ChargeScope.COMPLETE else None,
        "case.pad_referred": case.pad_referred,
        "case.age": case.age,
        "case.money_bail": case.money_bail,
        "case.held": case.held,
        "case.police_district": case.police_district,
        "case.fentanyl_evidence": case.fentanyl_evidence,
        "case.mandatory_supervision_months": case.mandatory_supervision_months,
    }
    for path in FACTS:
        if path.startswith("person."):
            name = path.removeprefix("person.")
            scalars[path] = getattr(person, name) if person else None
    charges: list[dict[str, Value]] = []
    for charge, reading in zip(case.charges, readings, strict=True):
        matched = reading if isinstance(reading, Match) else None
        charges.append({
            "charge.category": matched.category.value if matched else None,
            "charge.drug": charge.drug or (matched.offense.drug if matched else None),
            "charge.inchoate": (matched.inchoate.value if matched.inchoate else "none")
            if matched else None,
            "charge.offense": offense_name(matched),
            "charge.grade": charge.grade,
            "charge.quantity_grams": charge.quantity_grams,
        })  # fmt: skip
    return Facts(whatif.apply(scalars, assume), tuple(charges))


def _rule_result(rule: Rule, truth: Truth, read: dict[str, object], facts: Facts,
                 shown: list[str]) -> RuleResult:
    if truth is Truth.TRUE:
        names = [shown[i] for i in witnesses(rule.when, facts)]
        says = render(rule.says, names, facts.scalars)
    elif truth is Truth.FALSE:
        says = render(rule.says_not, [], facts.scalars) if rule.says_not \
            else f"Does not apply (clause {rule.clause})."
    else:
        missing = ", ".join(path for path, value in read.items() if value is None)
        says = f"Cannot tell whether clause {rule.clause} applies: {missing} unknown."
    return RuleResult(rule.id, rule.clause, truth, rule.outcome if truth is Truth.TRUE else None,
                      says, read)


def screen_version(case: Case, version: PolicyVersion, as_of: date | None,
                   selected_by: str, assume: frozenset[str] = frozenset()) -> Decision:
    """Screen `case` under one given version (selection already done by the caller)."""
    readings = readings_of(case)
    catalog = _catalog_version()
    findings = tuple(_finding(i, r, catalog) for i, r in enumerate(readings))
    facts = case_facts(case, readings, assume)
    shown = [f.as_read for f in findings]
    truths: dict[str, Truth] = {}
    results: list[RuleResult] = []
    for rule in version.rules:
        read: dict[str, object] = {}
        truths[rule.id] = evaluate(rule.when, facts, read)
        results.append(_rule_result(rule, truths[rule.id], read, facts, shown))
    outcome, because, unknown_rules = resolve(version, truths)
    unknowns: dict[str, None] = {}
    for result in results:
        if result.rule in unknown_rules:
            unknowns.update((path, None) for path, value in result.facts.items() if value is None)
    dispositions = dispose.dispositions(version, outcome, facts)
    said = tuple(render(n.says, [], facts.scalars) for n in version.notes
                 if evaluate(n.when, facts) is Truth.TRUE)
    return Decision(case.case_id, outcome, because, tuple(results), findings, tuple(unknowns),
                    version.ref, as_of, selected_by, ENGINE,
                    _notes(case, findings, outcome) + said,
                    dispose.vehicle(version, outcome, because), dispositions,
                    tuple(sorted(assume)))


def _notes(case: Case, findings: tuple[ChargeFinding, ...], outcome: Outcome) -> tuple[str, ...]:
    notes = []
    if case.charge_scope is ChargeScope.TOP_CHARGE_ONLY:
        notes.append(TOP_CHARGE_NOTE)
    for finding in findings:
        if finding.category is None:
            notes.append(f"Charge {finding.index + 1} ('{finding.as_written}') could not be "
                         f"read: {finding.reason}.")
    if not case.charges and outcome is not Outcome.NEEDS_REVIEW:
        notes.append("The case lists no charge.")
    return tuple(notes)


def screen_case(case: Case, policy: Policy, on: date | None = None,
                assume: frozenset[str] = frozenset()) -> Decision:
    """Screen one case under the version of `policy` in force on its case date.

    `on` screens as if on that date instead (a "what if" over past cases); the decision then
    records `selected_by="as_of"`.

    Raises:
        DivertError: when the case lacks the date the policy selects by, or no version of
            the policy is in force on that date (the message says which dates are covered).
    """
    chosen = select(policy, case, mode_of(on, False), on)
    return screen_version(case, chosen.version, chosen.on, chosen.selected_by, assume)
