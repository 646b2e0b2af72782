"""`divert policy check | test | show | diff` as an operator runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from divert.cli import app
from divert.resources import policy_root

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["policy", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_the_shipped_policies() -> None:
    versions = sorted(policy_root().glob("*/*/v*.yaml"))
    rules = sum(len(yaml.safe_load(v.read_text(encoding="utf-8"))["rules"]) for v in versions)
    policies = {v.parent for v in versions}
    assert run("check") == (0, f"ok: {len(policies)} policies, {rules} rules\n", "")


def test_check_lists_every_error_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run("check", "tests/policy/fixtures/broken-logic")
    expected = (REPO / "tests/policy/fixtures/broken-logic.expected").read_text(encoding="utf-8")
    assert (code, out) == (1, "")
    assert err == expected + f"{len(expected.splitlines())} error(s)\n"


def test_test_runs_every_example() -> None:
    code, out, _ = run("test")
    assert code == 0
    assert out.startswith("ok: ") and out.endswith(" examples passed\n")


def test_test_reports_a_failing_example_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pad"
    shutil.copytree(policy_root() / "us-pa-philadelphia" / "pad", folder)
    examples = folder / "examples" / "v1.yaml"
    text = examples.read_text(encoding="utf-8")
    examples.write_text(text.replace("expect: {outcome: prosecute, because: [not-eligible]}",
                                     "expect: {outcome: divert, because: [not-eligible]}", 1),
                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run("test", "pad")
    assert code == 1
    assert err.splitlines() == [
        "FAIL pad/examples/v1.yaml:33: possession with intent to deliver is not a PAD offense",
        "     expected outcome divert, got prosecute",
        "1 example(s) failed, 28 passed",
    ]


def test_show_prints_clauses_and_rules_in_plain_words() -> None:
    code, out, _ = run("show", "phl-pad")
    assert code == 0
    assert "  3. Each person has two chances: at a third PAD contact the person is not " \
        "diverted, and the offense is handled as usual." in out
    assert "     (source: phila.gov 2018; Inquirer 2018-03-16: 'two chances' (domain.md §2.4) " \
        "[secondary])" in out
    assert "  [third-contact] clause 3: when the case stage is pre charge, and some charge is " \
        "simple possession or purchase by unauthorized or retail theft or prostitution, and " \
        "the pad contacts of the person is at least 2, the outcome is out of scope. It applies " \
        "the vehicle bars pad/third-contact. It takes precedence over pad-offense." in out
    assert "the outcome is divert via pad." in out


def test_diff_prints_the_clause_and_rule_changes() -> None:
    code, out, _ = run("diff", "phl-dao-simple-possession@1", "phl-dao-simple-possession@2")
    assert code == 0
    assert out.splitlines() == [
        'clause 2.5 added: "A case with a firearm charge (18 Pa.C.S. §§ 6101-6128) is '
        'prosecuted, whatever the other charges."',
        "rule firearm added (clause 2.5): when some charge is firearm, prosecute",
    ]


def test_an_unknown_policy_or_version_is_one_clear_error() -> None:
    assert run("show", "phl-nope")[2] == (
        "no policy 'phl-nope'; known policies: phl-dao-2018, phl-dao-bail-2018, "
        "phl-dao-simple-possession, phl-dao-supervision-2019, phl-pad\n"
    )
    assert run("diff", "phl-pad@1", "phl-pad@7")[2] == (
        "policy phl-pad has no version 7; it has 1, 2, 3\n")
