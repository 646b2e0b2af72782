"""Every example kept beside every shipped policy version, collected as one test each.

`divert policy test` runs the same examples through the same runner (policy/examples.py),
so a lawyer's example and CI can never disagree about what passed.
"""

from __future__ import annotations

import pytest

from divert.engines.inprocess import screen_case
from divert.policy.examples import ExampleResult, run_example
from divert.policy.load import load_policies
from divert.policy.model import Example, Policy, PolicyVersion

POLICIES = load_policies()
CASES = [
    pytest.param(policy, version, example, index,
                 id=f"{policy.id}@{version.version}: {example.name}")
    for policy in POLICIES.values()
    for version in policy.versions
    for index, example in enumerate(version.examples)
]  # fmt: skip


def test_every_rule_of_every_shipped_version_has_examples() -> None:
    for policy in POLICIES.values():
        for version in policy.versions:
            exercised = {rid for e in version.examples for rid in e.expect.get("because") or []}
            assert {r.id for r in version.rules} <= exercised, f"{policy.id}@{version.version}"


@pytest.mark.parametrize(("policy", "version", "example", "index"), CASES)
def test_example(policy: Policy, version: PolicyVersion, example: Example, index: int) -> None:
    result: ExampleResult = run_example(policy, version, example, index, screen_case)
    assert result.passed, f"{result.where}: " + "; ".join(result.problems)
