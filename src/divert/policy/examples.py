"""The examples kept beside each policy version, run as tests by `divert policy test` and pytest.

An example is `{name, case, expect}`. `case` is written as a lawyer would (dates, charge
wordings, a few person facts) and becomes a `model.case.Case`; `expect` may hold
`outcome`, `because` (rule ids), `unknown` (fact paths), `policy_version`, `says` (rule id →
the exact sentence), `notes` (sentences that must appear), `vehicle`, `dispositions` (one
per charge) and `error` (a phrase of the error expected instead of a decision, e.g. on a
date no version covers). `case.assume` switches on what-if assumptions, as a simulation
may. The screening function is passed in, so this module does not depend on any engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from divert.errors import DivertError
from divert.model.case import Case, Charge, ChargeScope, PersonRecord, Stage
from divert.policy import whatif
from divert.policy.explain import Decision
from divert.policy.facts import FACTS
from divert.policy.model import Example, Policy, PolicyVersion

Screen = Callable[[Case, Policy, date | None, frozenset[str]], Decision]
CASE_KEYS = {"case_id", "filing_date", "contact_date", "charges", "charge_scope", "stage",
             "person", "pad_referred", "age", "money_bail", "held", "police_district",
             "fentanyl_evidence", "mandatory_supervision_months"}
PERSON_KEYS = {p.removeprefix("person.") for p in FACTS if p.startswith("person.")}
EXPECT_KEYS = {"outcome", "because", "unknown", "policy_version", "says", "notes", "error",
               "vehicle", "dispositions"}
WHAT_IF_KEY = "assume"  # a case may switch on what-if assumptions, as a simulation does


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """One example's run: where it is, and what differed from what it expects (if anything)."""

    version: PolicyVersion
    example: Example
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        path = self.version.path.replace(f"v{self.version.version}.yaml",
                                         f"examples/v{self.version.version}.yaml")
        return f"{path}:{self.example.line}"


def _charge(item: Any) -> Charge:
    if isinstance(item, str):
        return Charge(item)
    if isinstance(item, Mapping) and isinstance(item.get("as_written"), str):
        unknown = set(item) - {"as_written", "citation", "drug", "grade", "quantity_grams"}
        if unknown:
            raise ValueError(f"a charge has unknown fields: {', '.join(sorted(unknown))}")
        grams = item.get("quantity_grams")
        if grams is not None and (isinstance(grams, bool) or not isinstance(grams, int)
                                  or grams < 0):
            raise ValueError("quantity_grams must be a whole number of grams, 0 or more")
        return Charge(item["as_written"], item.get("citation"), item.get("grade"),
                      item.get("drug"), grams)
    raise ValueError("each charge must be a wording, or "
                     "{as_written, citation, drug, grade, quantity_grams}")


def build_case(example: Example, index: int = 0) -> Case:
    """The Case an example describes.

    Raises:
        ValueError: naming the field that is not as the examples format expects.
    """
    raw = example.case
    unknown = set(raw) - CASE_KEYS - {WHAT_IF_KEY}
    if unknown:
        raise ValueError(f"the case has unknown fields: {', '.join(sorted(unknown))}")
    for key in ("filing_date", "contact_date"):
        if key in raw and not isinstance(raw[key], date):
            raise ValueError(f"'{key}' must be a date written YYYY-MM-DD")
    person = raw.get("person")
    record = None
    if person is not None:
        if not isinstance(person, Mapping) or set(person) - PERSON_KEYS:
            raise ValueError(f"'person' may only hold {', '.join(sorted(PERSON_KEYS))}")
        record = PersonRecord("example-person", **{k: person.get(k) for k in PERSON_KEYS})
    return Case(
        case_id=str(raw.get("case_id", f"example-{index + 1}")),
        charges=tuple(_charge(c) for c in raw.get("charges") or ()),
        filing_date=raw.get("filing_date"),
        contact_date=raw.get("contact_date"),
        person=record,
        charge_scope=ChargeScope(raw.get("charge_scope", ChargeScope.COMPLETE.value)),
        stage=Stage(raw.get("stage", Stage.CHARGED.value)),
        pad_referred=raw.get("pad_referred"),
        age=raw.get("age"),
        money_bail=raw.get("money_bail"),
        held=raw.get("held"),
        police_district=raw.get("police_district"),
        fentanyl_evidence=raw.get("fentanyl_evidence"),
        mandatory_supervision_months=raw.get("mandatory_supervision_months"),
    )


def compare(expect: Mapping[str, Any], decision: Decision) -> list[str]:
    """What differs between an expectation and a decision, in sentences."""
    problems = []
    if "outcome" in expect and expect["outcome"] != decision.outcome.value:
        problems.append(f"expected outcome {expect['outcome']}, got {decision.outcome.value}")
    if "because" in expect and sorted(expect["because"] or []) != sorted(decision.because):
        problems.append(f"expected because {list(expect['because'] or [])}, "
                        f"got {list(decision.because)}")
    if "unknown" in expect and sorted(expect["unknown"] or []) != sorted(decision.unknowns):
        problems.append(f"expected unknown {list(expect['unknown'] or [])}, "
                        f"got {list(decision.unknowns)}")
    if "policy_version" in expect and expect["policy_version"] != decision.policy.version:
        problems.append(f"expected version {expect['policy_version']}, "
                        f"got {decision.policy.version}")
    says = {r.rule: r.says for r in decision.rules}
    for rule_id, sentence in (expect.get("says") or {}).items():
        if says.get(rule_id) != sentence:
            problems.append(f"expected rule {rule_id} to say {sentence!r}, "
                            f"got {says.get(rule_id)!r}")
    for note in expect.get("notes") or []:
        if note not in decision.notes:
            problems.append(f"expected the note {note!r}; notes were {list(decision.notes)}")
    if "vehicle" in expect and expect["vehicle"] != decision.vehicle:
        problems.append(f"expected vehicle {expect['vehicle']}, got {decision.vehicle}")
    got = [d.value for d in decision.dispositions]
    if "dispositions" in expect and list(expect["dispositions"] or []) != got:
        problems.append(f"expected dispositions {list(expect['dispositions'] or [])}, got {got}")
    if "error" in expect:
        problems.append(f"expected an error mentioning {expect['error']!r}, got a decision")
    return problems


def run_example(policy: Policy, version: PolicyVersion, example: Example, index: int,
                screen: Screen) -> ExampleResult:
    """Screen one example and compare it with what it expects."""
    unknown = set(example.expect) - EXPECT_KEYS
    if unknown:
        return ExampleResult(version, example,
                             (f"'expect' has unknown fields: {', '.join(sorted(unknown))}",))
    if version.version in policy.corrected():
        # Kept for the record: replayed as it was, alone, never against its correction.
        policy = Policy(policy.id, (version,))
    try:
        case = build_case(example, index)
        decision = screen(case, policy, None, whatif.parse(example.case.get(WHAT_IF_KEY) or []))
    except (ValueError, DivertError) as exc:
        wanted = example.expect.get("error")
        if wanted is not None and str(wanted) in str(exc):
            return ExampleResult(version, example, ())
        return ExampleResult(version, example, (f"{type(exc).__name__}: {exc}",))
    return ExampleResult(version, example, tuple(compare(example.expect, decision)))


def run_examples(policy: Policy, screen: Screen) -> Iterator[ExampleResult]:
    """Run every example of every version of `policy`, in file order."""
    for version in policy.versions:
        for index, example in enumerate(version.examples):
            yield run_example(policy, version, example, index, screen)
